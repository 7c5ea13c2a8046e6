/**
 * The integrity perception pulse through the real engine (issue 14): anonymity by construction in the
 * schema, one response per member, answers coarsened up the tree at close, results hidden until
 * close, department figures only where respondents reach the minimum group size (not by subtraction
 * either), reminders that stop, and the survey quiet period.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { composers, planners } from '../../src/app.js';
import { dialectOf } from '../../src/db/createDb.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { activePulses, closeRun, recordResponse, syncPulses } from '../../src/features/pulse/pulse.repository.js';
import type { Reply } from '../../src/engine/reply.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Form } from '../../src/ui/form.js';
import { DIALECTS, type DialectName } from '../support/databases.js';
import { FakePort } from '../support/fakePort.js';
import { buttonsOf, createHarness, SHIPPED_CONTENT, textOf, type Harness } from '../support/harness.js';

const KST = (day: string, time: string) => new Date(`${day}T${time}:00+09:00`).toISOString();
const noSleep = async () => undefined;
const errorOf = (reply: Reply) => (reply.kind === 'ephemeral' ? reply.error?.code : undefined);
const formOf = (reply: Reply): Form => {
  if (reply.kind !== 'form') throw new Error(`expected a form, got ${reply.kind}: ${textOf(reply)}`);
  return reply.form;
};

const HEADER = 'employee_no,name,email,department,roles,locale';
/**
 * 행정국/감사과 6, 행정국/총무과 5, 행정국 direct 1 (the officer), 복지국 4 (3 in 복지국/노인복지과).
 * With the minimum group size 5.
 */
function roster(): string {
  const rows = [HEADER, '9001,최담당,choi@city.example,행정국,hr,ko'];
  for (let i = 1; i <= 6; i++) rows.push(`110${i},감사${i},a${i}@city.example,행정국/감사과,employee,ko`);
  for (let i = 1; i <= 5; i++) rows.push(`120${i},총무${i},g${i}@city.example,행정국/총무과,employee,ko`);
  rows.push('2001,복지1,w1@city.example,복지국,employee,en');
  for (let i = 2; i <= 4; i++) rows.push(`200${i},복지${i},w${i}@city.example,복지국/노인복지과,employee,ko`);
  return rows.join('\n');
}
const AUDIT = ['1101', '1102', '1103', '1104', '1105', '1106'];
const GENERAL = ['1201', '1202', '1203', '1204', '1205'];
const WELFARE = ['2001', '2002', '2003', '2004'];
const OFFICER = '9001';

let h: Harness;
const dirs: string[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as Harness;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function harness(dialect: DialectName, env: Record<string, string> = {}, schedules?: string, contentDirs = [SHIPPED_CONTENT]) {
  h = await createHarness({ dialect, contentDirs, roster: roster(), start: KST('2026-06-01', '09:30'), env: { PROBITY_MIN_GROUP_SIZE: '5', ...env }, ...(schedules ? { schedules } : {}) });
  return h;
}

/** A second pack: a seven-item pulse (two pages) and two nudges, one about the assessment. */
function extraPack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'probity-pulse-'));
  dirs.push(dir);
  const item = (i: number, kind = 'scale') => ({ kind, label: { ko: `문항 ${i}`, en: `Item ${i}` }, text: { ko: `문장 ${i}`, en: `Statement ${i}` } });
  writeFileSync(join(dir, 'pack.yaml'), stringify({ pack: 'extra', name: { ko: '추가', en: 'Extra' }, topics: { 'graft-act': { ko: '청탁금지법', en: 'Graft Act' }, assessment: { ko: '종합청렴도', en: 'Integrity assessment' } }, laws: {} }));
  writeFileSync(
    join(dir, 'pulses.yaml'),
    stringify({ pulses: [{ slug: 'long-check', title: { ko: '긴 설문', en: 'Long pulse' }, intro: { ko: '안내', en: 'Intro' }, items: [...[1, 2, 3, 4, 5, 6].map((i) => item(i)), item(7, 'yesno')] }] }),
  );
  writeFileSync(
    join(dir, 'nudges.yaml'),
    stringify({
      nudges: [
        { slug: 'survey-honest', topic: 'assessment', text: { ko: '설문에 솔직하게', en: 'Answer the survey honestly' }, basis: [] },
        { slug: 'meal-limit', topic: 'graft-act', text: { ko: '식사 한도', en: 'Meal limit' }, basis: [] },
      ],
    }),
  );
  return dir;
}

/** Answers one person's pulse through the form: five fields for the shipped five items. */
async function answer(employeeNo: string, runId: number, values: readonly string[]): Promise<Reply> {
  const opened = formOf(await h.command(employeeNo, 'pulse', 'respond', String(runId)));
  const fields: Record<string, string> = {};
  opened.fields.forEach((f, i) => (fields[f.id] = values[i] ?? ''));
  return h.submit(employeeNo, opened.id, fields);
}

async function openRun(...args: string[]): Promise<number> {
  const reply = await h.command(OFFICER, 'pulse', 'open', 'integrity-climate', ...args);
  expect(errorOf(reply), textOf(reply)).toBeUndefined();
  const run = await h.services.db.selectFrom('pulse_runs').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return run.id;
}

async function count(table: 'pulse_responses' | 'pulse_answers' | 'pulse_runs' | 'deliveries' | 'audit_log'): Promise<number> {
  return Number((await h.services.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

/** Foreign keys of a table: the column and the table it points to. */
async function foreignKeys(table: string): Promise<{ column: string; references: string }[]> {
  const db = h.services.db;
  if (dialectOf(db) === 'sqlite') {
    const rows = await sql<{ from: string; table: string }>`select * from pragma_foreign_key_list(${table})`.execute(db);
    return rows.rows.map((r) => ({ column: r.from, references: r.table }));
  }
  const rows = await sql<{ column: string; references: string }>`
    select kcu.column_name as column, ccu.table_name as references
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
    join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
    where tc.constraint_type = 'FOREIGN KEY' and tc.table_name = ${table}`.execute(db);
  return rows.rows;
}

/**
 * Subtraction: under every published scope (the organisation, '' here, or a department path), what is
 * left once the nearest published scopes below it are taken away is nobody or at least k people.
 */
function expectNoSmallRemainder(published: ReadonlyMap<string, number>, k: number): void {
  const within = (path: string, scope: string) => scope === '' || path.startsWith(`${scope}/`);
  for (const [scope, n] of published) {
    const below = [...published.keys()].filter((p) => p !== scope && within(p, scope));
    const nearest = below.filter((p) => !below.some((q) => q !== p && within(p, q)));
    const remainder = n - nearest.reduce((sum, p) => sum + published.get(p)!, 0);
    expect(remainder === 0 || remainder >= k, `${scope || '(organisation)'} leaves ${remainder}`).toBe(true);
  }
}

describe.each(DIALECTS)('%s', (dialect) => {
  it('GIVEN the schema WHEN the answers table is inspected THEN nothing in it, nor any key from it, leads back to a person', async () => {
    await harness(dialect);
    const tables = await h.services.db.introspection.getTables();
    const answers = tables.find((t) => t.name === 'pulse_answers')!;
    const responses = tables.find((t) => t.name === 'pulse_responses')!;
    // No member, account, platform or time of any kind in an answer.
    expect(answers.columns.map((c) => c.name).sort()).toEqual(['department_id', 'id', 'item', 'run_id', 'value']);
    // Its id is not a counter that would line answers up with responses.
    expect(answers.columns.find((c) => c.name === 'id')!.isAutoIncrementing).toBe(false);
    expect(answers.columns.find((c) => c.name === 'id')!.dataType.toLowerCase()).toBe('text');
    // Who responded holds no answer.
    expect(responses.columns.map((c) => c.name).sort()).toEqual(['day', 'department_id', 'id', 'member_id', 'run_id']);

    // Every foreign-key path out of pulse_answers: to the run (whose only person is the officer who
    // opened it), the pulse text, and the department tree. None reaches pulse_responses, members'
    // answers or accounts; members are reached only as a run's opener.
    const reached = new Map<string, string[]>();
    const walk = async (table: string, path: string[]) => {
      for (const fk of await foreignKeys(table)) {
        const next = [...path, `${table}.${fk.column}`];
        if (reached.has(fk.references)) continue;
        reached.set(fk.references, next);
        await walk(fk.references, next);
      }
    };
    await walk('pulse_answers', []);
    expect([...reached.keys()].sort()).toEqual(['departments', 'members', 'pulse_runs', 'pulses']);
    expect(reached.get('members')).toEqual(['pulse_answers.run_id', 'pulse_runs.opened_by']);
    expect(reached.has('pulse_responses')).toBe(false);
    expect(reached.has('member_accounts')).toBe(false);
    if (dialect === 'sqlite') {
      // No hidden rowid to give the order answers were written in.
      await expect(sql`select rowid from pulse_answers`.execute(h.services.db)).rejects.toThrow();
    }
  });

  it('GIVEN an open pulse WHEN a member answers twice (double submit) THEN one response and one set of answers are kept, without who or when', async () => {
    await harness(dialect);
    const runId = await openRun('closes', '2026-06-12');
    const opened = formOf(await h.command('1101', 'pulse', 'respond'));
    expect(opened.fields).toHaveLength(5);
    const fields = Object.fromEntries(opened.fields.map((f, i) => [f.id, ['4', '아니오', '5', '3', '2'][i]!]));
    const [first, second] = await Promise.all([h.submit('1101', opened.id, fields), h.submit('1101', opened.id, fields)]);
    expect([textOf(first), textOf(second)].filter((t) => t.includes('감사합니다'))).toHaveLength(1);
    expect(await count('pulse_responses')).toBe(1);
    expect(await count('pulse_answers')).toBe(5);
    const again = await h.command('1101', 'pulse', 'respond', String(runId));
    expect(errorOf(again)).toBe('pulse.already_responded');
    const rows = await h.services.db.selectFrom('pulse_answers').selectAll().orderBy('item').execute();
    expect(rows.map((r) => r.value)).toEqual([4, 0, 5, 3, 2]);
    // The answers' ids are random, not in the order they were written.
    for (const r of rows) expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GIVEN a form with a bad answer WHEN it is submitted THEN the field is named in ko and en and nothing is recorded', async () => {
    await harness(dialect);
    const runId = await openRun();
    const reply = await answer('1102', runId, ['6', '예', '5', '3', '2']);
    expect(errorOf(reply)).toBe('pulse.error.scale');
    expect(reply.kind === 'ephemeral' && reply.error?.field).toBe('q0');
    expect(textOf(reply)).toContain('1번 문항');
    const yesno = await answer('2001', runId, ['3', 'maybe', '5', '3', '2']);
    expect(textOf(yesno)).toContain('Item 2: answer "yes" or "no"');
    expect(await count('pulse_responses')).toBe(0);
    expect(await count('pulse_answers')).toBe(0);
  });

  it('GIVEN a pulse WHEN it is opened THEN everyone in the audience gets the card through the outbox, saying who can see what', async () => {
    await harness(dialect);
    for (const no of [...AUDIT, ...GENERAL, ...WELFARE, OFFICER]) await h.command(no, 'whoami');
    const employee = await h.command('1101', 'pulse', 'open', 'integrity-climate');
    expect(errorOf(employee)).toBe('error.forbidden');
    const runId = await openRun('행정국/감사과');
    const port = new FakePort('console');
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect(port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : '')).sort()).toEqual(AUDIT);
    const card = port.sent[0]!.message;
    const cardText = textOf({ kind: 'ephemeral', message: card });
    expect(cardText).toContain('응답 내용은 누구와도 연결되지 않습니다');
    expect(cardText).toContain('5명 이상인 부서');
    // Pressing the button opens the form; someone outside the audience cannot answer.
    const button = buttonsOf({ kind: 'ephemeral', message: card })[0]!;
    expect((await h.press('1101', button)).kind).toBe('form');
    expect(errorOf(await h.press('1201', button))).toBe('pulse.error.not_for_you');
    expect(errorOf(await h.command('1201', 'pulse', 'respond', String(runId)))).toBe('pulse.error.not_for_you');
  });

  it('GIVEN answers in departments above and below the minimum WHEN the run closes THEN results appear only then, and a department with k−1 respondents is not shown, also not by subtraction', async () => {
    await harness(dialect);
    const runId = await openRun('closes', '2026-06-12');
    // 감사과: 5 respondents (shown); 총무과: 4 = k−1 (not shown); 복지국 subtree: 4 (not shown).
    for (const [i, no] of AUDIT.slice(0, 5).entries()) await answer(no, runId, ['5', '아니오', String(1 + i), '4', '5']);
    for (const no of GENERAL.slice(0, 4)) await answer(no, runId, ['1', '예', '1', '1', '1']);
    for (const no of WELFARE) await answer(no, runId, ['3', 'no', '3', '3', '3']);

    // While open: the response rate only.
    const early = await h.command(OFFICER, 'pulse', 'results', String(runId));
    expect(textOf(early)).toContain('마감된 뒤에 공개');
    expect(textOf(early)).not.toContain('평균');

    await h.command(OFFICER, 'pulse', 'close', String(runId));
    const reply = await h.command(OFFICER, 'pulse', 'results', String(runId));
    const shown = textOf(reply);
    expect(shown).toContain('응답률');
    expect(shown).toContain('13/16');
    // The organisation: 13 respondents.
    expect(shown).toContain('(n=13)');
    // 감사과's 5 are shown …
    expect(shown).toContain('행정국/감사과: 평균 5.00/5 (n=5)');
    // … but not 총무과's 4, not 행정국 (whose total minus 감사과 would give 총무과's 4), and not 복지국.
    expect(shown).not.toContain('행정국/총무과: 평균');
    expect(shown).not.toMatch(/- 행정국: 평균/);
    expect(shown).not.toContain('복지국: 평균');
    // Subtraction: every published mean, weighted by its n, must not isolate a group smaller than k.
    const lines = [...shown.matchAll(/- (\S+): 평균 ([\d.]+)\/5 \(n=(\d+)\)/g)].map((m) => ({ path: m[1]!, n: Number(m[3]) }));
    expect(new Set(lines.map((l) => l.path))).toEqual(new Set(['행정국/감사과']));
    expectNoSmallRemainder(new Map([['', 13], ...lines.map((l): [string, number] => [l.path, l.n])]), 5);
    // What subtraction leaves: the organisation (13) minus 감사과 (5) is 총무과 and 복지국 together (8),
    // which nothing published splits further.

    // In the table, after close: no answer sits in a department with fewer than k respondents under it.
    const cells = await h.services.db.selectFrom('pulse_answers').select(['department_id', (eb) => eb.fn.countAll<number>().as('n')]).where('item', '=', 0).groupBy('department_id').execute();
    const paths = new Map((await h.services.db.selectFrom('departments').select(['id', 'path']).execute()).map((d) => [d.id, d.path]));
    const byPath = Object.fromEntries(cells.map((c) => [c.department_id === null ? '(organisation)' : paths.get(c.department_id)!, Number(c.n)]));
    expect(byPath).toEqual({ '행정국/감사과': 5, 행정국: 4, '(organisation)': 4 });
  });

  it('GIVEN a run past its closing day WHEN someone tries to answer THEN it is closed, and its results can be read', async () => {
    await harness(dialect);
    const runId = await openRun('2026-06-05');
    for (const no of AUDIT) await answer(no, runId, ['4', '아니오', '4', '4', '4']);
    h.clock.set(KST('2026-06-08', '10:00'));
    expect(errorOf(await h.command('1201', 'pulse', 'respond', String(runId)))).toBe('pulse.error.closed');
    const results = textOf(await h.command(OFFICER, 'pulse', 'results', String(runId)));
    expect(results).toContain('2026-06-08 마감');
    expect(results).toContain('평균 4.00/5');
  });

  it('GIVEN two closed runs WHEN the second is read THEN the trend shows both', async () => {
    await harness(dialect);
    const first = await openRun();
    for (const no of AUDIT) await answer(no, first, ['2', '예', '2', '2', '2']);
    await h.command(OFFICER, 'pulse', 'close', String(first));
    h.clock.set(KST('2026-06-15', '10:00'));
    const second = await openRun();
    for (const no of [...AUDIT, ...GENERAL]) await answer(no, second, ['4', '아니오', '4', '4', '4']);
    await h.command(OFFICER, 'pulse', 'close', String(second));
    const text = textOf(await h.command(OFFICER, 'pulse', 'results', String(second)));
    expect(text).toContain('추이');
    expect(text).toMatch(new RegExp(`#${first} 2026-06-01.*6/16.*평균 2.00/5`));
    expect(text).toMatch(new RegExp(`#${second} 2026-06-15.*11/16.*평균 4.00/5`));
  });

  it('GIVEN the survey quiet period WHEN a pulse is opened, sent or reminded THEN nothing goes out', async () => {
    await harness(dialect, { PROBITY_SURVEY_QUIET: '06-03..06-30' });
    const runId = await openRun();
    h.clock.set(KST('2026-06-03', '09:30'));
    expect(errorOf(await h.command(OFFICER, 'pulse', 'close', String(runId)))).toBeUndefined();
    expect(errorOf(await h.command(OFFICER, 'pulse', 'open', 'integrity-climate'))).toBe('pulse.error.quiet');
    for (const no of AUDIT) await h.command(no, 'whoami');
    const port = new FakePort('console');
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    expect(port.sent).toHaveLength(0);
  });

  it('GIVEN non-respondents WHEN the reminder schedule runs THEN only they are reminded, at most the configured number of times', async () => {
    const schedules = ['schedules:', '  - name: pulse-reminder', '    kind: pulse_reminder', '    cron: "0 10 * * 1-5"', '    audience: all', '    delivery: dm', '    workingDaysOnly: true'].join('\n');
    await harness(dialect, { PROBITY_PULSE_REMINDER_MAX: '2' }, schedules);
    for (const no of AUDIT) await h.command(no, 'whoami');
    const runId = await openRun('행정국/감사과', 'closes', '2026-06-30');
    await answer('1101', runId, ['4', '아니오', '4', '4', '4']);
    const port = new FakePort('console');
    const dispatcher = new Dispatcher(h.services, [port], { composers, sleep: noSleep });
    await dispatcher.drainDue();
    port.sent.length = 0;
    const scheduler = new Scheduler(h.services, planners);
    for (const day of ['2026-06-02', '2026-06-04', '2026-06-05']) {
      h.clock.set(KST(day, '10:00'));
      await scheduler.runDue();
      await dispatcher.drainDue();
    }
    await scheduler.stop();
    const reminded = port.sent.map((s) => (s.recipient.kind === 'user' ? s.recipient.userId : ''));
    // Five non-respondents, two reminders each; the respondent none.
    expect(reminded.sort()).toEqual(AUDIT.slice(1).flatMap((no) => [no, no]));
    expect(textOf({ kind: 'ephemeral', message: port.sent[0]!.message })).toContain('안내 1/2회');
  });

  it('GIVEN a seven-item pulse WHEN it is answered THEN the second page carries the first page\'s answers, and all seven are saved together', async () => {
    await harness(dialect, {}, undefined, [extraPack()]);
    const reply = await h.command(OFFICER, 'pulse', 'open', 'long-check');
    expect(errorOf(reply), textOf(reply)).toBeUndefined();
    const first = formOf(await h.command('1101', 'pulse', 'respond'));
    expect(first.title).toBe('청렴 체감 설문 (1/2)');
    expect(first.fields.map((f) => f.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    const next = await h.submit('1101', first.id, { q0: '1', q1: '2', q2: '3', q3: '4', q4: '5' });
    // Nothing is kept before the last page.
    expect(await count('pulse_responses')).toBe(0);
    expect(await count('pulse_answers')).toBe(0);
    const second = formOf(next);
    expect(second.fields.map((f) => f.id)).toEqual(['q5', 'q6']);
    // Where a form cannot be opened, the fallback's button opens the same page.
    const fallback = next.kind === 'form' ? next.fallback : undefined;
    const button = buttonsOf({ kind: 'ephemeral', message: fallback! })[0]!;
    expect(formOf(await h.press('1101', button)).id).toBe(second.id);
    // A page whose carried answers were tampered with is refused.
    const forged = second.id.replace('12345', '12395');
    expect(errorOf(await h.submit('1101', forged, { q5: '3', q6: '예' }))).toBe('error.stale_action');
    await h.submit('1101', second.id, { q5: '3', q6: '예' });
    const saved = await h.services.db.selectFrom('pulse_answers').select(['item', 'value']).orderBy('item').execute();
    expect(saved.map((a) => a.value)).toEqual([1, 2, 3, 4, 5, 3, 1]);
    expect(await count('pulse_responses')).toBe(1);
  });

  it('GIVEN the survey quiet period WHEN nudges are planned and sent THEN none about the assessment goes out, and status says so', async () => {
    const schedules = ['schedules:', '  - name: nudge', '    kind: nudge', '    cron: "0 14 * * 1-5"', '    audience: all', '    delivery: dm', '    workingDaysOnly: false'].join('\n');
    await harness(dialect, { PROBITY_SURVEY_QUIET: '06-10..06-30' }, schedules, [extraPack()]);
    for (const no of AUDIT) await h.command(no, 'whoami');
    const scheduler = new Scheduler(h.services, planners);
    const nudgesOn = async (day: string) => {
      h.clock.set(KST(day, '14:00'));
      await scheduler.runDue();
      const run = await h.services.db.selectFrom('job_runs').select('payload').where('day', '=', day).executeTakeFirstOrThrow();
      return (JSON.parse(run.payload) as { nudge?: string }).nudge;
    };
    // Before the window: the assessment nudge takes its turn (planned on the 9th, the eve of the window).
    expect([await nudgesOn('2026-06-08'), await nudgesOn('2026-06-09')].sort()).toEqual(['extra/meal-limit', 'extra/survey-honest']);
    // Planned on the eve, sent inside the window: held back.
    h.clock.set(KST('2026-06-10', '09:00'));
    const port = new FakePort('console');
    await new Dispatcher(h.services, [port], { composers, sleep: noSleep }).drainDue();
    const texts = port.sent.map((s) => textOf({ kind: 'ephemeral', message: s.message }));
    expect(texts.some((t) => t.includes('설문에 솔직하게'))).toBe(false);
    // Inside: only the other nudge, day after day.
    expect([await nudgesOn('2026-06-10'), await nudgesOn('2026-06-11'), await nudgesOn('2026-06-12')]).toEqual(['extra/meal-limit', 'extra/meal-limit', 'extra/meal-limit']);
    await scheduler.stop();
    expect(textOf(await h.command(OFFICER, 'status'))).toContain('지금은 설문 자제 기간입니다 (06-10~06-30, 매년)');
  });

  it('GIVEN a closed run WHEN hr reads the stats card, the pulse export and the annual report THEN its figures are there, with the small departments withheld', async () => {
    await harness(dialect);
    const runId = await openRun();
    for (const no of AUDIT.slice(0, 5)) await answer(no, runId, ['5', '아니오', '4', '4', '5']);
    for (const no of GENERAL.slice(0, 4)) await answer(no, runId, ['1', '예', '1', '1', '1']);
    await h.command(OFFICER, 'pulse', 'close', String(runId));

    const card = textOf(await h.command(OFFICER, 'stats', 'month'));
    expect(card).toContain('청렴 체감 설문 (이 기간에 마감)');
    expect(card).toMatch(new RegExp(`#${runId} 청렴 체감 자가진단 \\(2026-06-01\\): 응답률 9/16`));

    const exported = await h.command(OFFICER, 'export', 'pulses', '2026-06');
    const file = exported.kind === 'ephemeral' ? exported.message.files?.[0] : undefined;
    const csv = new TextDecoder().decode(file!.data);
    const rows = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
    const itemRows = (scope: string) => rows.filter((r) => r.split(',')[5] === scope && /,(scale|yesno),/.test(r));
    expect(itemRows('전체 기관')).toHaveLength(5);
    // 총무과's 4 answers sit with 행정국 (9 = 감사과 5 + 총무과 4), which is shown; 감사과's 5 would then
    // give 총무과's away by subtraction, so 감사과 is withheld with it.
    expect(itemRows('행정국')).toHaveLength(5);
    expect(itemRows('행정국/총무과')).toHaveLength(0);
    expect(itemRows('행정국/감사과')).toHaveLength(0);
    const published = new Map(rows.filter((r) => /,1,[^,]+,(scale|yesno),/.test(r)).map((r): [string, number] => [r.split(',')[5] === '전체 기관' ? '' : r.split(',')[5]!, Number(r.split(',')[6])]));
    expect(published).toEqual(new Map([['', 9], ['행정국', 9]]));
    expectNoSmallRemainder(published, 5);
    // Its response rate is there: a fact about who responded, against a roster of five.
    expect(rows.some((r) => r.split(',')[5] === '행정국/총무과' && r.includes(',4,5,80,'))).toBe(true);

    const annual = await h.command(OFFICER, 'report', 'annual', '2026');
    const markdown = annual.kind === 'ephemeral' ? annual.message.files?.find((f) => f.name.endsWith('.md')) : undefined;
    const md = new TextDecoder().decode(markdown!.data);
    expect(md).toContain('## 청렴 체감 설문');
    expect(md).toMatch(new RegExp(`- #${runId} 청렴 체감 자가진단 \\(2026-06-01\\): 응답률 9/16 \\(56.3%\\) · 평균 3.22/5`));
  });

  it('GIVEN responses submitted while the run is being closed THEN every recorded response keeps all its answers, and none is recorded after close', async () => {
    await harness(dialect);
    const runId = await openRun();
    const forms = await Promise.all([...AUDIT, ...GENERAL].map(async (no) => ({ no, form: formOf(await h.command(no, 'pulse', 'respond', String(runId))) })));
    const submits = forms.map(({ no, form }) => h.submit(no, form.id, Object.fromEntries(form.fields.map((f) => [f.id, f.id === 'q1' ? '예' : '3']))));
    const [closed, ...replies] = await Promise.all([h.command(OFFICER, 'pulse', 'close', String(runId)), ...submits]);
    expect(errorOf(closed)).toBeUndefined();
    const recorded = replies.filter((r) => errorOf(r) === undefined).length;
    expect(replies.filter((r) => errorOf(r) !== undefined).every((r) => errorOf(r) === 'pulse.error.closed')).toBe(true);
    expect(await count('pulse_responses')).toBe(recorded);
    expect(await count('pulse_answers')).toBe(recorded * 5);
    // And every answer went through close's coarsening: none sits in a department with fewer than k.
    const cells = await h.services.db.selectFrom('pulse_answers').select(['department_id', (eb) => eb.fn.countAll<number>().as('n')]).where('item', '=', 0).groupBy('department_id').execute();
    for (const c of cells) if (c.department_id !== null) expect(Number(c.n)).toBeGreaterThanOrEqual(5);
  });

  it('GIVEN a response checked against a run that closes before it is written THEN it is refused and nothing is written', async () => {
    await harness(dialect);
    const runId = await openRun();
    const stale = (await h.services.db.selectFrom('pulse_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow());
    expect(await closeRun(h.services.db, runId, 5, h.clock.now().toISOString())).toBe(true);
    const member = await h.services.db.selectFrom('members').selectAll().where('employee_no', '=', '1101').executeTakeFirstOrThrow();
    const outcome = await recordResponse(h.services.db, { run: stale, memberId: member.id, departmentId: member.department_id, day: '2026-06-01', values: [3, 0, 3, 3, 3], minGroupSize: 5 });
    expect(outcome).toBe('closed');
    expect(await count('pulse_responses')).toBe(0);
    expect(await count('pulse_answers')).toBe(0);
  });

  it('GIVEN a pulse whose wording changes THEN it is a new version, the old one retired; unchanged content changes nothing; a pulse no longer shipped is retired', async () => {
    await harness(dialect);
    const shipped = h.services.content.pulses;
    const now = h.clock.now().toISOString();
    expect(await syncPulses(h.services.db, shipped, now)).toEqual({ added: 0, revised: 0, retired: 0 });
    const reworded = shipped.map((p, i) => (i === 0 ? { ...p, intro: { ko: `${p.intro.ko} (개정)`, en: `${p.intro.en} (revised)` } } : p));
    expect(await syncPulses(h.services.db, reworded, now)).toEqual({ added: 0, revised: 1, retired: 0 });
    const [current] = await activePulses(h.services.db);
    expect(current!.version).toBe(2);
    expect(current!.body.intro.ko).toMatch(/\(개정\)$/);
    expect(await syncPulses(h.services.db, reworded, now)).toEqual({ added: 0, revised: 0, retired: 0 });
    expect(await syncPulses(h.services.db, [], now)).toEqual({ added: 0, revised: 0, retired: shipped.length });
    expect(await activePulses(h.services.db)).toEqual([]);
    const rows = await h.services.db.selectFrom('pulses').select(['version', 'active']).orderBy('version').execute();
    expect(rows.map((r) => [r.version, r.active])).toEqual([[1, 0], [2, 0]]);
  });
});
