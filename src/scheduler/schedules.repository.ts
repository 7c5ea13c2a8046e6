import { sql, type Kysely, type Transaction } from 'kysely';
import { isStaff } from '../features/people/people.repository.js';
import type { Database, Member, ScheduleRow } from '../db/schema.js';
import { parseRoles } from '../engine/roles.js';
import { DEPARTMENT_SEPARATOR } from '../features/people/roster.js';
import { formatDelivery, parseDelivery, type Audience, type DeliveryTarget, type ScheduleDefinition, type ScheduleProblem } from './schedules.js';

type DbOrTrx = Kysely<Database> | Transaction<Database>;

export interface Schedule extends ScheduleDefinition {
  id: number;
  paused: boolean;
  createdAt: string;
}

export function toSchedule(row: ScheduleRow): Schedule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    cron: row.cron,
    timezone: row.timezone,
    audience: JSON.parse(row.audience) as Audience,
    delivery: parseDelivery(row.delivery) as DeliveryTarget,
    workingDaysOnly: row.working_days_only === 1,
    enabled: row.enabled === 1,
    paused: row.paused === 1,
    createdAt: row.created_at,
  };
}

/** Departments named by audiences must exist in the roster. */
export async function checkAudiences(db: DbOrTrx, definitions: readonly ScheduleDefinition[]): Promise<ScheduleProblem[]> {
  const paths = new Set((await db.selectFrom('departments').select('path').execute()).map((d) => d.path));
  const problems: ScheduleProblem[] = [];
  for (const def of definitions) {
    if (def.audience.all) continue;
    for (const department of def.audience.departments) {
      if (!paths.has(department)) problems.push({ schedule: def.name, code: 'schedule.error.department', params: { value: department } });
    }
  }
  return problems;
}

/**
 * Upserts the file's schedules by name. A schedule no longer in the file is disabled, not deleted: its
 * job runs stay as history. Pausing from chat is kept across syncs.
 */
export async function syncSchedules(db: Kysely<Database>, definitions: readonly ScheduleDefinition[], nowIso: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = new Map((await trx.selectFrom('schedules').selectAll().execute()).map((r) => [r.name, r]));
    for (const def of definitions) {
      const values = {
        kind: def.kind,
        cron: def.cron,
        timezone: def.timezone,
        audience: JSON.stringify(def.audience),
        delivery: formatDelivery(def.delivery),
        working_days_only: def.workingDaysOnly ? 1 : 0,
        enabled: def.enabled ? 1 : 0,
      };
      const current = existing.get(def.name);
      if (!current) {
        await trx.insertInto('schedules').values({ name: def.name, ...values, paused: 0, created_at: nowIso, updated_at: nowIso }).execute();
      } else if ((Object.keys(values) as (keyof typeof values)[]).some((k) => current[k] !== values[k])) {
        await trx.updateTable('schedules').set({ ...values, updated_at: nowIso }).where('id', '=', current.id).execute();
      }
    }
    const names = new Set(definitions.map((d) => d.name));
    for (const row of existing.values()) {
      if (!names.has(row.name) && row.enabled === 1) {
        await trx.updateTable('schedules').set({ enabled: 0, updated_at: nowIso }).where('id', '=', row.id).execute();
      }
    }
  });
}

export async function allSchedules(db: DbOrTrx): Promise<Schedule[]> {
  return (await db.selectFrom('schedules').selectAll().orderBy('name').execute()).map(toSchedule);
}

export async function scheduleByName(db: DbOrTrx, name: string): Promise<Schedule | undefined> {
  const row = await db.selectFrom('schedules').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toSchedule(row) : undefined;
}

export async function setPaused(db: DbOrTrx, id: number, paused: boolean, nowIso: string): Promise<void> {
  await db.updateTable('schedules').set({ paused: paused ? 1 : 0, updated_at: nowIso }).where('id', '=', id).execute();
}

/** Active roster members an audience addresses: departments include their sub-departments. */
export async function resolveAudience(db: DbOrTrx, audience: Audience): Promise<Member[]> {
  let query = db.selectFrom('members').innerJoin('departments', 'departments.id', 'members.department_id').selectAll('members').where('members.left_on', 'is', null).where(isStaff);
  if (!audience.all && audience.departments.length > 0) {
    const departments = audience.departments;
    query = query.where((eb) =>
      eb.or(departments.flatMap((path) => [eb('departments.path', '=', path), eb(subtreePrefix(path), '=', `${path}${DEPARTMENT_SEPARATOR}`)])),
    );
  }
  const members = await query.orderBy('members.id').execute();
  if (audience.all || audience.roles.length === 0) return members;
  const wanted = audience.roles;
  return members.filter((m) => parseRoles(m.roles).some((r) => wanted.includes(r)));
}

/**
 * The first characters of a department's path, to compare with "<path>/": a prefix test that, unlike
 * LIKE, needs no escaping of % or _ in department names and reads the same on both dialects.
 */
function subtreePrefix(path: string) {
  return sql<string>`substr(departments.path, 1, ${[...path].length + 1})`;
}
