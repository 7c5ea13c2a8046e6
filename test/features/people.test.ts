/** Identity: roster-named chat accounts, platform hints for people the roster does not know, DMs on request. */
import { afterEach, describe, expect, it } from 'vitest';
import { hintsFromRoles } from '../../adapters/discord/inbound.js';
import type { Actor } from '../../src/engine/events.js';
import { DIALECTS } from '../support/databases.js';
import { createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';
import * as consoleOperatorMigration from '../../migrations/0007_console_operator.js';
import { translator } from '../../src/i18n/index.js';
import { exportBase, pledgesTable } from '../../src/features/stats/exports.js';
import { parsePeriod } from '../../src/features/stats/period.js';
import { loadStatsInput } from '../../src/features/stats/stats.repository.js';
import { resolveAudience } from '../../src/scheduler/schedules.repository.js';

let h: Harness;
afterEach(async () => h?.close());

const discordActor = (userId: string, hints?: Actor['hints']): Actor => ({ platform: 'discord', workspace: 'discord', userId, displayName: userId, ...(hints ? { hints } : {}) });
const whoami = (actor: Actor) => h.engine.dispatch({ type: 'command', name: 'whoami', args: [], platform: actor.platform, actor, conversation: { id: 'c', kind: 'channel' } });

describe.each(DIALECTS)('%s: identity', (dialect) => {
  it('GIVEN a roster row naming a discord_id WHEN that person first writes THEN they are that roster member', async () => {
    h = await createHarness({ dialect, roster: 'employee_no,name,email,department,roles,locale,discord_id,slack_id\n1001,김청렴,,감사과,employee,ko,900000000000000011,U0KIM' });
    const reply = await whoami(discordActor('900000000000000011'));
    expect(JSON.stringify(reply)).toContain('1001');
    const slack = await h.engine.dispatch({ type: 'command', name: 'whoami', args: [], platform: 'slack', actor: { platform: 'slack', workspace: 'T1', userId: 'U0KIM' }, conversation: { id: 'D1', kind: 'dm' } });
    expect(JSON.stringify(slack)).toContain('1001');
    expect(await h.services.db.selectFrom('members').select('id').execute()).toHaveLength(1);
  });

  it('GIVEN someone who used Probity before the roster named their account THEN the import adopts that account', async () => {
    h = await createHarness({ dialect, roster: null });
    await whoami(discordActor('900000000000000077'));
    const { importRoster } = await import('../../src/features/people/roster.import.js');
    const result = await importRoster(h.services.db, 'employee_no,name,email,department,roles,locale,discord_id\n1001,김청렴,,감사과,hr,ko,900000000000000077', {
      sync: false,
      skipInvalid: false,
      today: '2026-11-27',
      nowIso: h.clock.now().toISOString(),
      actorLabel: 'test',
    });
    expect(result.imported).toBe(true);
    expect(JSON.stringify(await whoami(discordActor('900000000000000077')))).toContain('1001');
    const people = await h.services.db.selectFrom('members').select(['employee_no', 'source', 'left_on']).orderBy('id').execute();
    expect(people).toEqual([
      { employee_no: null, source: 'enrolled', left_on: '2026-11-27' },
      { employee_no: '1001', source: 'roster', left_on: null },
    ]);
  });

  it('GIVEN two first contacts at once THEN one person exists, linked once', async () => {
    h = await createHarness({ dialect, roster: null });
    await Promise.all([whoami(discordActor('900000000000000088')), whoami(discordActor('900000000000000088')), whoami(discordActor('900000000000000088'))]);
    expect(await h.services.db.selectFrom('members').select('id').execute()).toHaveLength(1);
    expect(await h.services.db.selectFrom('member_accounts').select('id').execute()).toHaveLength(1);
  });

  it('GIVEN an unknown Discord member with mapped roles THEN they are enrolled with those roles and that department, kept in step', async () => {
    h = await createHarness({ dialect });
    const map = { '111': 'role:hr', '222': 'department:행정국/감사과', '333': 'role:bogus' };
    expect(hintsFromRoles(['111', '222', '333', '999'], map)).toEqual({ roles: ['hr'], department: ['행정국', '감사과'] });
    // With a mapping, unmapped roles state "no role", so a role taken away in Discord is taken away here.
    expect(hintsFromRoles(['999'], map)).toEqual({ roles: [] });
    expect(hintsFromRoles(['111'], {})).toBeUndefined();
    await whoami(discordActor('900000000000000099', hintsFromRoles(['111', '222'], map)));
    const member = await h.services.db.selectFrom('members').innerJoin('departments', 'departments.id', 'members.department_id').select(['members.roles', 'departments.path', 'members.source']).where('members.name', '=', '900000000000000099').executeTakeFirstOrThrow();
    expect(member).toEqual({ roles: 'employee;hr', path: '행정국/감사과', source: 'enrolled' });
    await whoami(discordActor('900000000000000099', { roles: [] }));
    const after = await h.services.db.selectFrom('members').select('roles').where('name', '=', '900000000000000099').executeTakeFirstOrThrow();
    expect(after.roles).toBe('employee');
    const denied = await h.engine.dispatch({ type: 'command', name: 'status', args: [], platform: 'discord', actor: discordActor('900000000000000099', { roles: [] }), conversation: { id: 'c', kind: 'channel' } });
    expect(denied.kind === 'ephemeral' && denied.error?.code).toBe('error.forbidden');
    const audit = await h.services.db.selectFrom('audit_log').select('action').where('action', '=', 'member.groups').execute();
    expect(audit).toHaveLength(2);
  });

  it('GIVEN a roster member THEN platform hints never change their roles', async () => {
    h = await createHarness({ dialect, roster: 'employee_no,name,email,department,roles,locale,discord_id\n1001,김청렴,,감사과,employee,ko,900000000000000011' });
    await whoami(discordActor('900000000000000011', { roles: ['admin'] }));
    const member = await h.services.db.selectFrom('members').select('roles').executeTakeFirstOrThrow();
    expect(member.roles).toBe('employee');
  });

  it('/integrity dm on|off records the choice for that account; a bad choice is refused', async () => {
    h = await createHarness({ dialect });
    const actor = discordActor('900000000000000055');
    const dm = (args: string[]) => h.engine.dispatch({ type: 'command', name: 'dm', args, platform: 'discord', actor, conversation: { id: 'c', kind: 'channel' } });
    await dm(['on']);
    expect((await h.services.db.selectFrom('member_accounts').select('dm_opt_in').executeTakeFirstOrThrow()).dm_opt_in).toBe(1);
    await dm(['off']);
    expect((await h.services.db.selectFrom('member_accounts').select('dm_opt_in').executeTakeFirstOrThrow()).dm_opt_in).toBe(0);
    const bad = await dm(['maybe']);
    expect(bad.kind === 'ephemeral' && bad.error?.code).toBe('dm.error.usage');
  });
});

describe.each(DIALECTS)('%s: the console operator is not staff', (dialect) => {
  const local: Actor = { platform: 'console', workspace: 'local', userId: 'local', displayName: '로컬관리자' };
  const asLocal = (name: string, ...args: string[]) => h.engine.dispatch({ type: 'command', name, args, platform: 'console', actor: local, conversation: { id: 'c', kind: 'dm' } });

  it("GIVEN a 4-person roster and the console's local administrator WHEN audiences, pledge lists, the pledge export and headcounts are made THEN the administrator is in none of them", async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT] });
    // The administrator may run what an admin runs...
    expect(textOf(await asLocal('pledge', 'open', 'all-staff'))).toContain('대상 4명');
    const nonSigners = textOf(await asLocal('pledge', 'nonsigners', 'all-staff'));
    // ...but is not one of the people counted.
    expect(nonSigners).toContain('미서명자 4명');
    expect(nonSigners).not.toContain('로컬관리자');
    expect(await resolveAudience(h.services.db, { all: true })).toHaveLength(4);
    const period = parsePeriod('2026-11', '2026-11-27');
    expect((await loadStatsInput(h.services.db, period)).members).toHaveLength(4);
    const source = { ...h.services, t: translator('ko'), locale: 'ko' as const, today: '2026-11-27', nowIso: h.clock.now().toISOString() };
    const table = await pledgesTable({ ...exportBase(source), period });
    const allStaffRows = table.rows.filter((r) => r[0] === 'core/all-staff');
    expect(allStaffRows.map((r) => r[3]).sort()).toEqual(['Lee Integrity', '김청렴', '박과장', '최담당'].sort());
    const stored = await h.services.db.selectFrom('members').select(['name', 'source', 'roles']).where('employee_no', 'is', null).execute();
    expect(stored).toEqual([{ name: '로컬관리자', source: 'operator', roles: 'employee;admin' }]);
  });
});

describe.each(DIALECTS)('%s: migration 0007 (console operator)', (dialect) => {
  it('GIVEN an installation whose console administrator was stored as enrolled staff WHEN migrated THEN it becomes the operator, and chat enrolments stay staff', async () => {
    h = await createHarness({ dialect, roster: null });
    const db = h.services.db;
    const department = (await db.insertInto('departments').values({ name: '미지정', parent_id: null, path: '미지정', created_at: 'T' }).returning('id').executeTakeFirstOrThrow()).id;
    const person = (name: string) => ({ employee_no: null, name, email: null, department_id: department, roles: 'employee', locale: null, preferred_locale: null, source: 'enrolled' as const, joined_on: '2026-11-01', left_on: null, created_at: 'T', updated_at: 'T' });
    const [admin, chat] = await db.insertInto('members').values([person('local'), person('chat')]).returning('id').execute();
    await db
      .insertInto('member_accounts')
      .values([
        { member_id: admin!.id, platform: 'console', workspace: 'local', platform_user_id: 'local', display_name: null, linked_at: 'T' },
        { member_id: chat!.id, platform: 'slack', workspace: 'T1', platform_user_id: 'local', display_name: null, linked_at: 'T' },
      ])
      .execute();
    await consoleOperatorMigration.up(db);
    expect(await db.selectFrom('members').select(['name', 'source']).orderBy('id').execute()).toEqual([
      { name: 'local', source: 'operator' },
      { name: 'chat', source: 'enrolled' },
    ]);
  });
});
