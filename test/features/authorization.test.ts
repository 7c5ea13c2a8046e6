/**
 * The authorisation matrix (issue 6): every command of the engine, with its subcommands, and the
 * actions and form that change something, × every role. Each cell is either allowed (no error at all,
 * and the manager/hr/admin actions leave an audit entry naming the actor) or refused with
 * `error.forbidden` and nothing changed in the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRoute } from '../../src/engine/routes.js';
import type { Reply } from '../../src/engine/reply.js';
import { ROLES, type Role } from '../../src/engine/roles.js';
import { encodeAction } from '../../src/ui/actionId.js';
import type { Button } from '../../src/ui/card.js';
import { composers } from '../../src/app.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { DIALECTS } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { ko } from '../../src/i18n/ko.js';
import { readFileSync } from 'node:fs';
import { checkPlan, loadPlan } from '../../src/features/plan/plan.repository.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);

const ROSTER = [
  'employee_no,name,email,department,roles,locale',
  '1001,김청렴,kim@city.example,행정국/감사과,employee,ko',
  '2001,박국장,park@city.example,행정국,manager,ko',
  '3001,최담당,choi@city.example,행정국/감사과,hr,ko',
  '4001,정관리,jung@city.example,행정국,admin,ko',
  '2002,서국장,seo@city.example,복지국,manager,ko',
  '5001,한복지,han@city.example,복지국,employee,ko',
].join('\n');

/** Who acts in each role: one person per role, each with only that role. */
const ACTOR: Record<Role, string> = { employee: '1001', manager: '2001', hr: '3001', admin: '4001' };

const SCHEDULES = `schedules:
  - name: daily-quiz
    kind: quiz
    cron: "0 9 * * 1-5"
`;

/** Allowed; refused by role (error.forbidden); or refused by the feature itself with its own code. */
type Cell = 'ok' | 'forbidden' | `refused:${string}`;
const ALL: Record<Role, Cell> = { employee: 'ok', manager: 'ok', hr: 'ok', admin: 'ok' };
const OPERATORS: Record<Role, Cell> = { employee: 'forbidden', manager: 'forbidden', hr: 'ok', admin: 'ok' };
const AUTHORS: Record<Role, Cell> = { employee: 'forbidden', manager: 'ok', hr: 'ok', admin: 'ok' };

interface Fixture {
  /** A sent message by 2001 to 행정국 (asks for acknowledgement). */
  sentByManager: number;
  /** A message by 2001 scheduled for next Monday. */
  scheduledByManager: number;
  /** A sent message by another manager (2002, 복지국). */
  sentByOtherManager: number;
  /** 2001's draft, previewed but not sent. */
  draftSend: Button;
  /** The form id of /integrity announce. */
  formId: string;
}

interface Row {
  label: string;
  /** The command (first word); for actions and forms, undefined. */
  command?: string;
  run(h: Harness, who: string, f: Fixture): Promise<Reply>;
  expected: Record<Role, Cell>;
  /** The audit action an allowed manager/hr/admin use of it records. */
  audit?: string;
}

const cmd = (label: string, expected: Record<Role, Cell>, audit?: string, args?: (f: Fixture) => string[]): Row => {
  const [command, ...fixed] = label.split(' ');
  return { label, command, expected, ...(audit ? { audit } : {}), run: (h, who, f) => h.command(who, command!, ...(args ? args(f) : fixed)) };
};

/** The explicit expectation: every command and subcommand, and the actions and form that change something. */
const MATRIX: Row[] = [
  cmd('quiz', ALL),
  cmd('me', ALL),
  cmd('whoami', ALL),
  cmd('lang ko', ALL),
  cmd('dm on', ALL),
  cmd('help', ALL),
  cmd('pledge', ALL),
  cmd('pledge show all-staff', ALL),
  cmd('pledge open all-staff', OPERATORS, 'pledge.open'),
  cmd('pledge status', OPERATORS),
  cmd('pledge status all-staff', OPERATORS),
  cmd('pledge nonsigners all-staff', OPERATORS, 'pledge.non_signers'),
  cmd('pledge close <campaign>', OPERATORS, 'pledge.close', () => ['close', '1']),
  // The pulse (issue 14): hr/admin run it, everyone answers (an employee's harness has no run open: nothing to answer).
  cmd('pulse', ALL),
  cmd('pulse open integrity-climate', OPERATORS, 'pulse.open'),
  cmd('pulse respond', ALL),
  cmd('pulse results <run>', OPERATORS, 'pulse.results', () => ['results', '1']),
  cmd('pulse close <run>', OPERATORS, 'pulse.close', () => ['close', '1']),
  cmd('pulse list', OPERATORS),
  cmd('letters', ALL),
  cmd('announce', AUTHORS),
  cmd('announce template holiday', AUTHORS),
  cmd('announce list', AUTHORS),
  cmd('announce status <own>', AUTHORS, undefined, (f) => ['status', String(f.sentByManager)]),
  cmd('announce status <other manager’s>', OPERATORS, undefined, (f) => ['status', String(f.sentByOtherManager)]),
  cmd('announce remind <own>', AUTHORS, 'announce.remind', (f) => ['remind', String(f.sentByManager)]),
  cmd('announce remind <other manager’s>', OPERATORS, 'announce.remind', (f) => ['remind', String(f.sentByOtherManager)]),
  cmd('announce cancel <own scheduled>', AUTHORS, 'announce.cancel', (f) => ['cancel', String(f.scheduledByManager)]),
  cmd('status', OPERATORS),
  // Statistics (issue 7) are routed by the same engine, so they are in the matrix too.
  cmd('stats', { employee: 'refused:stats.error.employee', manager: 'ok', hr: 'ok', admin: 'ok' }, 'stats.view'),
  cmd('export participation', OPERATORS, 'export'),
  cmd('export pledges', OPERATORS, 'export'),
  cmd('export announcements', OPERATORS, 'export'),
  cmd('export pulses', OPERATORS, 'export'),
  cmd('report annual 2026', OPERATORS, 'report.annual'),
  // The training ledger (issue 16): everyone reads their own; records come from the command line only.
  cmd('training', ALL),
  cmd('training add', { employee: 'refused:training.error.usage', manager: 'refused:training.error.usage', hr: 'refused:training.error.chat_add', admin: 'refused:training.error.chat_add' }),
  cmd('stats training', { employee: 'refused:stats.error.employee', manager: 'ok', hr: 'ok', admin: 'ok' }, 'stats.training'),
  // The integrity plan (issue 15): its owners are 행정국, whose manager is 2001.
  cmd('plan', ALL),
  cmd('plan checkin', ALL),
  cmd('plan checkin S1-1-1 at_risk', { employee: 'refused:plan.error.not_owner', manager: 'ok', hr: 'refused:plan.error.not_owner', admin: 'refused:plan.error.not_owner' }),
  cmd('plan status', AUTHORS, 'plan.status'),
  cmd('report plan', OPERATORS, 'report.plan'),
  // The web dashboard's sign-in link (issue 13): this harness has no PROBITY_PUBLIC_URL, so no link either.
  cmd('dashboard', { employee: 'forbidden', manager: 'refused:dashboard.error.no_public_url', hr: 'refused:dashboard.error.no_public_url', admin: 'refused:dashboard.error.no_public_url' }),
  cmd('schedule', OPERATORS),
  cmd('schedule list', OPERATORS),
  cmd('schedule pause daily-quiz', OPERATORS, 'schedule.pause'),
  cmd('schedule resume daily-quiz', OPERATORS, 'schedule.resume'),
  {
    label: 'submit the announce form',
    expected: AUTHORS,
    run: (h, who, f) => h.submit(who, f.formId, { title: '제목', body: '본문', audience: '행정국/감사과', ack: '예', send: '지금' }),
  },
  // Drafts are personal: only their author sends them (hr and admin write their own).
  { label: 'press Send on 2001’s draft', expected: { employee: 'forbidden', manager: 'ok', hr: 'forbidden', admin: 'forbidden' }, audit: 'announce.send', run: (h, who, f) => h.press(who, f.draftSend) },
  { label: 'press the non-signers button', expected: OPERATORS, audit: 'pledge.non_signers', run: (h, who) => h.press(who, { actionId: encodeAction('pledge.nonsigners', ['core/all-staff']), label: '' }) },
  { label: 'press sign on the all-staff pledge', expected: ALL, run: async (h, who) => h.press(who, buttonsOf(await h.command(who, 'pledge', 'show', 'all-staff'))[0]!) },
  { label: 'acknowledge a message sent to them', expected: ALL, run: (h, who, f) => h.press(who, { actionId: encodeAction('announce.ack', [f.sentByManager]), label: '' }) },
];

const TABLES = ['members', 'member_accounts', 'quiz_answers', 'pledges', 'pledge_campaigns', 'pledge_signatures', 'pledge_reminders', 'announcements', 'acknowledgements', 'pulse_runs', 'pulse_responses', 'pulse_answers', 'schedules', 'job_runs', 'deliveries', 'audit_log'] as const;

let h: Harness;
afterEach(async () => {
  const current = h;
  h = undefined as unknown as Harness;
  await current?.close();
});

async function snapshot(): Promise<Record<string, unknown>> {
  const counts: Record<string, unknown> = {};
  for (const table of TABLES) {
    const row = await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  // Changes that add no row: pausing a schedule, a member's language, a message's status.
  counts['paused'] = (await h.services.db.selectFrom('schedules').select(['name', 'paused']).orderBy('name').execute()).map((s) => `${s.name}:${s.paused}`);
  counts['statuses'] = (await h.services.db.selectFrom('announcements').select(['id', 'status']).orderBy('id').execute()).map((a) => `${a.id}:${a.status}`);
  counts['languages'] = (await h.services.db.selectFrom('members').select(['employee_no', 'preferred_locale']).orderBy('id').execute()).map((m) => `${m.employee_no}:${m.preferred_locale}`);
  return counts;
}

async function send(author: string, values: Record<string, string>): Promise<{ id: number; send: Button }> {
  const form = await h.command(author, 'announce');
  if (form.kind !== 'form') throw new Error('expected a form');
  const preview = await h.submit(author, form.form.id, { title: '서한', body: '본문', ack: '예', send: '지금', ...values });
  const [sendButton] = buttonsOf(preview);
  if (!sendButton) throw new Error(`no preview: ${textOf(preview)}`);
  return { id: Number(sendButton.actionId.split('|')[1]), send: sendButton };
}

async function fixture(): Promise<Fixture> {
  for (const no of ['1001', '2001', '2002', '3001', '4001', '5001']) await h.command(no, 'whoami');
  const sent = await send('2001', { audience: '행정국' });
  await h.press('2001', sent.send);
  const scheduled = await send('2001', { audience: '행정국', send: '2026-11-30 10:00' });
  await h.press('2001', scheduled.send);
  const other = await send('2002', { audience: '복지국' });
  await h.press('2002', other.send);
  // Delivered: only those a letter reached acknowledge it or are reminded.
  await new Dispatcher(h.services, [new FakePort()], { composers, sleep: async () => undefined }).drainDue();
  const draft = await send('2001', { audience: '행정국/감사과' });
  const form = await h.command('2001', 'announce');
  if (form.kind !== 'form') throw new Error('expected a form');
  const plan = readFileSync('examples/plan.yaml', 'utf8').replace(/owner: \S+/g, 'owner: 행정국').replace(/ {4}member: .*\n/g, '');
  await loadPlan(h.services.db, (await checkPlan(h.services.db, plan)).plan!, h.clock.now().toISOString());
  const statuses = (await h.services.db.selectFrom('announcements').select('status').orderBy('id').execute()).map((a) => a.status);
  expect(statuses).toEqual(['sent', 'scheduled', 'sent', 'draft']);
  return { sentByManager: sent.id, scheduledByManager: scheduled.id, sentByOtherManager: other.id, draftSend: draft.send, formId: form.form.id };
}

describe('the matrix covers the engine', () => {
  it('every command the engine routes has rows, and every row names a command the engine routes', async () => {
    h = await createHarness({ contentDirs: [SHIPPED_CONTENT], roster: ROSTER });
    const commands = (h.engine as unknown as { commands: Map<string, CommandRoute> }).commands;
    const routed = [...commands.keys()].sort();
    const covered = [...new Set(MATRIX.flatMap((r) => (r.command ? [r.command] : [])))].sort();
    expect(covered).toEqual(routed);
    // The command-level roles agree with the matrix's plain rows (subcommands may narrow, never widen).
    for (const route of commands.values()) {
      const plain = MATRIX.find((r) => r.command === route.name)!;
      for (const role of ROLES) expect(route.roles.includes(role), `${route.name} × ${role}`).toBe(plain.expected[role] !== 'forbidden');
    }
  });
});

describe.each(DIALECTS)('%s: every command × every role', (dialect) => {
  it.each(ROLES)('as %s', async (role) => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER, schedules: SCHEDULES, start: KST('2026-11-27', '09:30') });
    const f = await fixture();
    const who = ACTOR[role];
    const actorId = (await h.services.db.selectFrom('members').select('id').where('employee_no', '=', who).executeTakeFirstOrThrow()).id;
    const outcomes: string[] = [];
    for (const row of MATRIX) {
      const before = await snapshot();
      const auditBefore = await h.services.db.selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirst();
      const reply = await row.run(h, who, f);
      const code = errorOf(reply);
      const expected = row.expected[role];
      const refusedAs = code === undefined ? undefined : code === 'error.forbidden' ? 'forbidden' : `refused:${code}`;
      outcomes.push(`${row.label}: ${refusedAs ?? (reply.kind === 'none' ? 'no reply' : 'ok')}`);
      if (expected !== 'ok') {
        if (expected === 'forbidden') expect(textOf(reply), row.label).toContain('권한이 없습니다');
        expect(await snapshot(), `${row.label}: a refusal changes nothing`).toEqual(before);
      } else if (code !== undefined) {
        // Shown in the failure: what went wrong in a cell that should have been allowed.
        expect(textOf(reply).trim(), row.label).toBe('');
      } else if (row.audit) {
        const entries = await h.services.db
          .selectFrom('audit_log')
          .select(['action', 'actor_member_id', 'occurred_at', 'details'])
          .where('id', '>', auditBefore?.id ?? 0)
          .execute();
        expect(entries.map((e) => [e.action, e.actor_member_id, e.occurred_at]), row.label).toEqual([[row.audit, actorId, KST('2026-11-27', '09:30')]]);
        if (row.audit.startsWith('announce.') || row.audit === 'pledge.open' || row.audit === 'stats.view') expect(JSON.parse(entries[0]!.details), row.label).toHaveProperty('audienceSize');
      }
    }
    expect(outcomes).toEqual(MATRIX.map((row) => `${row.label}: ${row.expected[role]}`));
  });
});

describe.each(DIALECTS)('%s: help lists what each role may use', (dialect) => {
  it('employees are not offered announce, status or schedule; operators are', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER });
    const help = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, textOf(await h.command(ACTOR[role], 'help'))] as const)));
    for (const role of ROLES) {
      expect(help[role]).toContain('`/integrity pledge');
      expect(help[role]!.includes('`/integrity announce'), role).toBe(role !== 'employee');
      expect(help[role]!.includes('`/integrity status`'), role).toBe(role === 'hr' || role === 'admin');
      expect(help[role]!.includes('`/integrity schedule'), role).toBe(role === 'hr' || role === 'admin');
    }
  });
});

describe.each(DIALECTS)('%s: help offers nothing the member would be refused', (dialect) => {
  /** Each command a help line shows: `/integrity pledge [show …]` gives "pledge", `pledge open <…>` gives "pledge open". */
  function commandsIn(line: string): string[][] {
    return [...line.matchAll(/`([^`]+)`/g)].map((m) =>
      m[1]!
        .replace(/^\/integrity\s+/, '')
        .split(/\s+/)
        .slice(0, 2)
        .filter((word) => /^[a-z-]+$/.test(word.split('|')[0]!))
        .map((word) => word.split('|')[0]!),
    );
  }

  it('GIVEN each role WHEN it asks for help THEN every command listed runs for it, and the officer subcommands and statistics are not listed for employees', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER });
    for (const role of ROLES) {
      const lines = textOf(await h.command(ACTOR[role], 'help')).split('\n').filter((l) => l.startsWith('- '));
      for (const [name, ...args] of lines.flatMap(commandsIn)) {
        if (!name || name === 'help') continue;
        const reply = await h.command(ACTOR[role], name, ...args);
        const code = reply.kind === 'ephemeral' ? reply.error?.code : undefined;
        expect(['error.forbidden', 'stats.error.employee'], `${role}: ${name} ${args.join(' ')}`).not.toContain(code);
      }
      const text = lines.join('\n');
      expect(text.includes('pledge open'), role).toBe(role === 'hr' || role === 'admin');
      expect(text.includes('`/integrity stats'), role).toBe(role !== 'employee');
      expect(text.includes('`/integrity letters`'), role).toBe(true);
    }
  });

  it('GIVEN the Korean catalogue THEN each role has one name: a manager is 간부 and an administrator 시스템 관리자, in whoami and help alike', async () => {
    h = await createHarness({ dialect, contentDirs: [SHIPPED_CONTENT], roster: ROSTER });
    expect(textOf(await h.command(ACTOR.manager, 'whoami'))).toContain('간부');
    expect(textOf(await h.command(ACTOR.admin, 'whoami'))).toContain('시스템 관리자');
    expect(textOf(await h.command(ACTOR.hr, 'help'))).toContain('간부: 소속 부서, 청렴·감사 담당·시스템 관리자: 전체');
    for (const [key, text] of Object.entries(ko)) {
      // "관리자" alone would be a second name for someone: only the administrator's full name uses it.
      expect(text.replaceAll('시스템 관리자', '').includes('관리자'), key).toBe(false);
    }
  });
});
