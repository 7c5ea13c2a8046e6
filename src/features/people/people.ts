/** Who is asking: chat identities resolved to roster members, and their language. */
import type { Services } from '../../engine/context.js';
import { UserError } from '../../engine/errors.js';
import type { Actor } from '../../engine/events.js';
import type { Member } from '../../db/schema.js';
import { isLocale, type Locale } from '../../i18n/locales.js';
import { localDay } from '../../time.js';
import { offerWelcomePledge, retryWelcomeWithoutAccount } from '../pledges/welcome.js';
import { formatRoles } from '../../engine/roles.js';
import {
  ANY_WORKSPACE,
  accountFor,
  ensureDepartment,
  linkAccount,
  memberByEmail,
  memberByEmployeeNo,
  memberById,
  recordAudit,
  UNASSIGNED_DEPARTMENT,
} from './people.repository.js';

/** The console's own person when no roster member is chosen with --as. */
export const CONSOLE_LOCAL_USER = 'local';

export function effectiveLocale(member: Member, fallback: Locale): Locale {
  if (isLocale(member.preferred_locale)) return member.preferred_locale;
  if (isLocale(member.locale)) return member.locale;
  return fallback;
}

/**
 * Finds the member behind a chat identity, linking or enrolling on first contact:
 * - a linked account wins;
 * - the console acts as a roster member by employee number, or as its own local admin;
 * - elsewhere an e-mail that matches the roster links the account, and anyone else is enrolled as an
 *   employee of the unassigned department, for the admin to place.
 */
export async function resolveMember(services: Services, actor: Actor, nowIso: string): Promise<Member> {
  const { db } = services;
  const account = await accountFor(db, actor);
  let member = account ? await memberById(db, account.member_id) : await firstContact(services, actor, nowIso);
  if (!member) throw new Error(`account ${actor.platform}:${actor.userId} points at a missing member`);
  if (member.left_on !== null) throw new UserError('error.member_left');
  if (member.source === 'enrolled' && actor.hints) member = await applyHints(services, member, actor.hints, nowIso);
  return member;
}

/** Keeps an enrolled person's roles and department in step with their platform groups. */
async function applyHints(services: Services, member: Member, hints: NonNullable<Actor['hints']>, nowIso: string): Promise<Member> {
  const roles = hints.roles ? formatRoles(['employee', ...hints.roles]) : member.roles;
  const departmentId = hints.department ? await ensureDepartment(services.db, hints.department, nowIso) : member.department_id;
  if (roles === member.roles && departmentId === member.department_id) return member;
  await services.db.updateTable('members').set({ roles, department_id: departmentId, updated_at: nowIso }).where('id', '=', member.id).execute();
  await recordAudit(services.db, {
    actorMemberId: null,
    actorLabel: 'platform-groups',
    action: 'member.groups',
    details: { memberId: member.id, roles: { from: member.roles, to: roles }, departmentChanged: departmentId !== member.department_id },
    nowIso,
  });
  return { ...member, roles, department_id: departmentId };
}

async function firstContact(services: Services, actor: Actor, nowIso: string): Promise<Member> {
  const { db } = services;
  let member: Member | undefined;
  if (actor.platform === 'console' && actor.userId !== CONSOLE_LOCAL_USER) {
    member = await memberByEmployeeNo(db, actor.userId);
    if (!member) throw new UserError('error.unknown_employee_no', { employeeNo: actor.userId });
  } else {
    // A roster row may name the chat account (slack_id / discord_id / works_id columns).
    const named = await accountFor(db, { ...actor, workspace: ANY_WORKSPACE });
    if (named) member = await memberById(db, named.member_id);
    if (!member && actor.email) member = await memberByEmail(db, actor.email);
  }
  const enrolled = member ? undefined : await enroll(services, actor, nowIso);
  member ??= enrolled!;
  await linkAccount(db, member.id, actor, nowIso);
  // Two first events at once may both have enrolled; the account link decides who it is, and the
  // person enrolled by the losing event is removed again (nothing can point at them yet).
  const account = await accountFor(db, actor);
  if (enrolled && account && account.member_id !== enrolled.id) {
    await db.deleteFrom('members').where('id', '=', enrolled.id).execute();
  } else if (enrolled && actor.platform !== 'console') {
    // New to Probity: someone enrolled on first contact gets the all-staff pledge (not the console's
    // own trial administrator).
    await offerWelcomePledge(db, services.config, [enrolled.id], new Date(nowIso));
  } else if (!enrolled) {
    // A roster member's welcome pledge may have waited for this account.
    await retryWelcomeWithoutAccount(db, services.config, member.id, new Date(nowIso));
  }
  return (account && (await memberById(db, account.member_id))) ?? member;
}

async function enroll(services: Services, actor: Actor, nowIso: string): Promise<Member> {
  const { db, config } = services;
  const departmentId = await ensureDepartment(db, [UNASSIGNED_DEPARTMENT], nowIso);
  const isConsoleAdmin = actor.platform === 'console';
  const inserted = await db
    .insertInto('members')
    .values({
      employee_no: null,
      name: actor.displayName ?? actor.userId,
      email: actor.email?.toLowerCase() ?? null,
      department_id: departmentId,
      // The console's local person runs a trial install on their own machine: they are its admin.
      roles: isConsoleAdmin ? 'employee;admin' : 'employee',
      locale: null,
      preferred_locale: null,
      source: isConsoleAdmin ? 'operator' : 'enrolled',
      joined_on: localDay(new Date(nowIso), config.timezone),
      left_on: null,
      created_at: nowIso,
      updated_at: nowIso,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  services.log.info({ memberId: inserted.id, platform: actor.platform }, 'enrolled a member not on the roster');
  return (await memberById(db, inserted.id))!;
}
