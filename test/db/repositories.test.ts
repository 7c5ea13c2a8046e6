/** Repository behaviour on every dialect: SQLite always, PostgreSQL where TEST_DATABASE_URL is set. */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDownAll, migrateToLatest } from '../../src/db/migrate.js';
import { syncQuestions } from '../../src/features/content/content.repository.js';
import { loadContent } from '../../src/features/content/loader.js';
import { importRoster, type RosterImportOptions } from '../../src/features/people/roster.import.js';
import { recordAnswer } from '../../src/features/quiz/quiz.repository.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../support/databases.js';
import { buttonsOf, createHarness, FIXTURE_PACK, ROSTER_CSV, type Harness } from '../support/harness.js';

const OPTIONS: RosterImportOptions = { sync: false, skipInvalid: false, today: '2026-11-27', nowIso: '2026-11-27T00:00:00.000Z', actorLabel: 'test' };

async function tableNames(t: TestDatabase): Promise<string[]> {
  const tables = await t.db.introspection.getTables();
  return tables.map((x) => x.name).filter((n) => !n.startsWith('kysely_')).sort();
}

describe.each(DIALECTS)('%s', (dialect) => {
  let t: TestDatabase | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await t?.destroy();
    await h?.close();
    t = undefined;
    h = undefined;
  });

  it('migrations go up, down and up again', async () => {
    t = await openTestDatabase(dialect, { migrate: false });
    await migrateToLatest(t.db);
    const tables = await tableNames(t);
    expect(tables).toEqual([
      'acknowledgements',
      'announcements',
      'audit_log',
      'campaigns',
      'dashboard_links',
      'dashboard_sessions',
      'deliveries',
      'departments',
      'holdout_assignments',
      'job_runs',
      'member_accounts',
      'member_departments',
      'members',
      'plan_checkins',
      'plan_reminders',
      'plan_tasks',
      'plans',
      'pledge_campaigns',
      'pledge_reminders',
      'pledge_signatures',
      'pledges',
      'pulse_answers',
      'pulse_reminders',
      'pulse_responses',
      'pulse_runs',
      'pulses',
      'questions',
      'quiz_answers',
      'quiz_assignments',
      'schedules',
      'stats_announcement_departments',
      'stats_announcements',
      'stats_deliveries',
      'stats_job_runs',
      'stats_member_years',
      'stats_state',
      'stats_topics',
      'training_attendance',
      'training_reminders',
      'training_sessions',
    ]);
    await migrateDownAll(t.db);
    expect(await tableNames(t)).toEqual([]);
    await migrateToLatest(t.db);
    expect(await tableNames(t)).toEqual(tables);
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('an answer counts once per member and quiz day, even when inserted concurrently', async () => {
    h = await createHarness({ dialect });
    const [choice] = buttonsOf(await h.command('1001', 'quiz'));
    const presses = await Promise.all(Array.from({ length: 5 }, () => h!.press('1001', choice!)));
    expect(presses.filter((r) => r.kind === 'replace')).toHaveLength(1);
    const { count } = await h.services.db
      .selectFrom('quiz_answers')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(1);
    const member = await h.services.db.selectFrom('members').select('id').where('employee_no', '=', '1001').executeTakeFirstOrThrow();
    const question = await h.services.db.selectFrom('questions').select('id').executeTakeFirstOrThrow();
    const again = await recordAnswer(h.services.db, { memberId: member.id, questionId: question.id, quizDay: '2026-11-27', choiceIndex: 1, correct: false, platform: 'console', nowIso: OPTIONS.nowIso });
    expect(again).toBe(false);
  });

  it('roster import builds the department tree, is idempotent, updates people and --sync marks leavers', async () => {
    t = await openTestDatabase(dialect);
    const first = await importRoster(t.db, ROSTER_CSV, OPTIONS);
    expect(first).toMatchObject({ imported: true, added: 4, updated: 0, unchanged: 0 });
    const paths = (await t.db.selectFrom('departments').select('path').orderBy('path').execute()).map((d) => d.path);
    expect(paths).toEqual(['행정국', '행정국/감사과']);
    const child = await t.db.selectFrom('departments').selectAll().where('path', '=', '행정국/감사과').executeTakeFirstOrThrow();
    const parent = await t.db.selectFrom('departments').selectAll().where('path', '=', '행정국').executeTakeFirstOrThrow();
    expect(child.parent_id).toBe(parent.id);

    const snapshot = await t.db.selectFrom('members').selectAll().orderBy('id').execute();
    const second = await importRoster(t.db, ROSTER_CSV, { ...OPTIONS, nowIso: '2026-11-28T00:00:00.000Z' });
    expect(second).toMatchObject({ imported: true, added: 0, updated: 0, unchanged: 4 });
    expect(await t.db.selectFrom('members').selectAll().orderBy('id').execute()).toEqual(snapshot);
    const audits = await t.db.selectFrom('audit_log').selectAll().execute();
    expect(audits).toHaveLength(1);

    const moved = ROSTER_CSV.replace('1002,Lee Integrity,lee@city.example,행정국/감사과', '1002,Lee Integrity,lee@city.example,복지국/노인복지과')
      .split('\n')
      .filter((line) => !line.startsWith('2001'))
      .join('\n');
    const third = await importRoster(t.db, moved, { ...OPTIONS, sync: true, today: '2026-12-01' });
    expect(third).toMatchObject({ added: 0, updated: 1, unchanged: 2, left: 1 });
    const park = await t.db.selectFrom('members').selectAll().where('employee_no', '=', '2001').executeTakeFirstOrThrow();
    expect(park.left_on).toBe('2026-12-01');

    const back = await importRoster(t.db, ROSTER_CSV, OPTIONS);
    expect(back).toMatchObject({ rejoined: 1 });
  });

  it('a roster with one bad row imports nothing, unless told to skip invalid rows', async () => {
    t = await openTestDatabase(dialect);
    const bad = `${ROSTER_CSV}\n4001,,nobody@city.example,행정국,employee,ko`;
    const refused = await importRoster(t.db, bad, OPTIONS);
    expect(refused.imported).toBe(false);
    expect(refused.problems).toEqual([{ row: 6, code: 'roster.error.name_missing' }]);
    expect(await t.db.selectFrom('members').selectAll().execute()).toHaveLength(0);
    expect(await t.db.selectFrom('departments').selectAll().execute()).toHaveLength(0);

    const skipped = await importRoster(t.db, bad, { ...OPTIONS, skipInvalid: true });
    expect(skipped).toMatchObject({ imported: true, added: 4, skipped: 1 });
  });

  it('an e-mail that belongs to another member is refused', async () => {
    t = await openTestDatabase(dialect);
    await importRoster(t.db, ROSTER_CSV, OPTIONS);
    const clash = 'employee_no,name,email,department,roles,locale\n5001,New Person,kim@city.example,행정국,employee,ko';
    const result = await importRoster(t.db, clash, OPTIONS);
    expect(result.imported).toBe(false);
    expect(result.problems).toEqual([{ row: 2, code: 'roster.error.email_taken', params: { value: 'kim@city.example' } }]);
  });

  it('content sync versions a changed item, keeps the old version for history, and retires removed items', async () => {
    t = await openTestDatabase(dialect);
    const { catalog } = loadContent([FIXTURE_PACK]);
    expect(await syncQuestions(t.db, catalog.quiz, OPTIONS.nowIso)).toEqual({ added: 3, revised: 0, retired: 0, unchanged: 0 });
    expect(await syncQuestions(t.db, catalog.quiz, OPTIONS.nowIso)).toEqual({ added: 0, revised: 0, retired: 0, unchanged: 3 });

    const edited = catalog.quiz.map((q) => (q.slug === 'meal-limit' ? { ...q, explanation: { ...q.explanation, en: 'Changed.' } } : q));
    const withoutSpouse = edited.filter((q) => q.slug !== 'spouse');
    expect(await syncQuestions(t.db, withoutSpouse, OPTIONS.nowIso)).toEqual({ added: 0, revised: 1, retired: 1, unchanged: 1 });
    const versions = await t.db.selectFrom('questions').select(['slug', 'version', 'active']).where('slug', '=', 'meal-limit').orderBy('version').execute();
    expect(versions).toEqual([
      { slug: 'meal-limit', version: 1, active: 0 },
      { slug: 'meal-limit', version: 2, active: 1 },
    ]);
    const active = await t.db.selectFrom('questions').select('slug').where('active', '=', 1).orderBy('slug').execute();
    expect(active.map((r) => r.slug)).toEqual(['meal-limit', 'travel-funds']);
  });

  it('the unique constraints hold in the database itself', async () => {
    t = await openTestDatabase(dialect);
    await importRoster(t.db, ROSTER_CSV, OPTIONS);
    const department = await t.db.selectFrom('departments').select('id').executeTakeFirstOrThrow();
    const duplicate = t.db
      .insertInto('members')
      .values({ employee_no: '1001', name: 'dup', email: null, department_id: department.id, roles: 'employee', locale: null, preferred_locale: null, source: 'roster', joined_on: '2026-11-27', left_on: null, created_at: OPTIONS.nowIso, updated_at: OPTIONS.nowIso })
      .execute();
    await expect(duplicate).rejects.toThrow();
    // Foreign keys are enforced on SQLite too (PRAGMA foreign_keys).
    const orphan = sql`INSERT INTO quiz_assignments (member_id, quiz_day, question_id, assigned_at) VALUES (999999, '2026-11-27', 999999, 'x')`.execute(t.db);
    await expect(orphan).rejects.toThrow();
  });
});
