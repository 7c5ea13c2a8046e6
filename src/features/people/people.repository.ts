import type { Expression, ExpressionBuilder, Kysely, SqlBool, Transaction } from 'kysely';
import type { Database, Department, Member, MemberAccount, MemberSource } from '../../db/schema.js';
import type { Actor } from '../../engine/events.js';
import { DEPARTMENT_SEPARATOR } from './roster.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

/** The workspace of an account named in the roster, before the person first writes from a real one. */
export const ANY_WORKSPACE = '*';

/** The members who are the organisation's staff: everyone but the console's own operator. */
export const STAFF_SOURCES: readonly MemberSource[] = ['roster', 'enrolled'];

/**
 * The one rule of who counts as staff, for every query that counts, addresses or lists people:
 * headcounts, audiences, pledge lists and exports. `.where(isStaff)` on a query over members.
 */
export function isStaff(eb: ExpressionBuilder<Database, 'members'>): Expression<SqlBool> {
  return eb('members.source', 'in', STAFF_SOURCES);
}

/** Where people without a roster department go ("미지정 / Unassigned"); shown localised. */
export const UNASSIGNED_DEPARTMENT = '미지정';

/**
 * Returns the id of the department at `segments`, creating it and any missing parents. `cache` maps
 * full paths to ids so that a roster import touches each department once.
 */
export async function ensureDepartment(
  db: DbOrTrx,
  segments: readonly string[],
  nowIso: string,
  cache: Map<string, number> = new Map(),
): Promise<number> {
  let parentId: number | null = null;
  for (let depth = 1; depth <= segments.length; depth++) {
    const path = segments.slice(0, depth).join(DEPARTMENT_SEPARATOR);
    let id = cache.get(path);
    if (id === undefined) {
      const existing = await db.selectFrom('departments').select('id').where('path', '=', path).executeTakeFirst();
      if (existing) id = existing.id;
      else {
        await db
          .insertInto('departments')
          .values({ name: segments[depth - 1]!, parent_id: parentId, path, created_at: nowIso })
          .onConflict((oc) => oc.column('path').doNothing())
          .execute();
        id = (await db.selectFrom('departments').select('id').where('path', '=', path).executeTakeFirstOrThrow()).id;
      }
      cache.set(path, id);
    }
    parentId = id;
  }
  if (parentId === null) throw new Error('a department path needs at least one segment');
  return parentId;
}

export async function allDepartments(db: DbOrTrx): Promise<Department[]> {
  return db.selectFrom('departments').selectAll().orderBy('path').execute();
}

export async function departmentById(db: DbOrTrx, id: number): Promise<Department | undefined> {
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function memberById(db: DbOrTrx, id: number): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function memberByEmployeeNo(db: DbOrTrx, employeeNo: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('employee_no', '=', employeeNo).executeTakeFirst();
}

export async function memberByEmail(db: DbOrTrx, email: string): Promise<Member | undefined> {
  return db.selectFrom('members').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function accountFor(db: DbOrTrx, actor: Actor): Promise<MemberAccount | undefined> {
  return db
    .selectFrom('member_accounts')
    .selectAll()
    .where('platform', '=', actor.platform)
    .where('workspace', '=', actor.workspace)
    .where('platform_user_id', '=', actor.userId)
    .executeTakeFirst();
}

/** Links a chat identity to a member; a second link of the same identity is a no-op. */
export async function linkAccount(db: DbOrTrx, memberId: number, actor: Actor, nowIso: string): Promise<void> {
  await db
    .insertInto('member_accounts')
    .values({
      member_id: memberId,
      platform: actor.platform,
      workspace: actor.workspace,
      platform_user_id: actor.userId,
      display_name: actor.displayName ?? null,
      linked_at: nowIso,
    })
    .onConflict((oc) => oc.columns(['platform', 'workspace', 'platform_user_id']).doNothing())
    .execute();
}

export async function setDmOptIn(db: DbOrTrx, actor: Actor, optIn: boolean): Promise<void> {
  await db
    .updateTable('member_accounts')
    .set({ dm_opt_in: optIn ? 1 : 0 })
    .where('platform', '=', actor.platform)
    .where('workspace', '=', actor.workspace)
    .where('platform_user_id', '=', actor.userId)
    .execute();
}

export async function setPreferredLocale(db: DbOrTrx, memberId: number, locale: string, nowIso: string): Promise<void> {
  await db.updateTable('members').set({ preferred_locale: locale, updated_at: nowIso }).where('id', '=', memberId).execute();
}

export async function recordAudit(
  db: DbOrTrx,
  entry: { actorMemberId: number | null; actorLabel: string; action: string; details: Record<string, unknown>; nowIso: string },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      occurred_at: entry.nowIso,
      actor_member_id: entry.actorMemberId,
      actor_label: entry.actorLabel,
      action: entry.action,
      details: JSON.stringify(entry.details),
    })
    .execute();
}

/** A DmChannelStore over member_accounts for one platform. */
export function dmChannelStore(db: DbOrTrx, platform: string) {
  return {
    async get(workspace: string, userId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('member_accounts')
        .select('dm_channel_id')
        .where('platform', '=', platform)
        .where('workspace', '=', workspace)
        .where('platform_user_id', '=', userId)
        .executeTakeFirst();
      return row?.dm_channel_id ?? undefined;
    },
    async set(workspace: string, userId: string, channelId: string): Promise<void> {
      await db
        .updateTable('member_accounts')
        .set({ dm_channel_id: channelId })
        .where('platform', '=', platform)
        .where('workspace', '=', workspace)
        .where('platform_user_id', '=', userId)
        .execute();
    },
  };
}
