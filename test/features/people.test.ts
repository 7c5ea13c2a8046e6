/** Identity: roster-named chat accounts, platform hints for people the roster does not know, DMs on request. */
import { afterEach, describe, expect, it } from 'vitest';
import { hintsFromRoles } from '../../adapters/discord/inbound.js';
import type { Actor } from '../../src/engine/events.js';
import { DIALECTS } from '../support/databases.js';
import { createHarness, type Harness } from '../support/harness.js';

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
