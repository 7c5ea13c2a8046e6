/** Department history: moves recorded by the roster import, or caught up by the statistics refresh. */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { importRoster } from '../../src/features/people/roster.import.js';
import { countStats } from '../../src/features/stats/metrics.js';
import { refreshAggregates } from '../../src/features/stats/aggregates.js';
import { departmentOn } from '../../src/features/stats/departmentHistory.js';
import { WorkingDayCalendar } from '../../src/scheduler/calendar.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from '../support/databases.js';

const HEADER = 'employee_no,name,email,department,roles,locale';
const calendar = new WorkingDayCalendar();
let database: TestDatabase;
afterEach(async () => database?.destroy());

const importOn = (day: string, rows: string[]) =>
  importRoster(database.db, [HEADER, ...rows].join('\n'), { sync: true, skipInvalid: false, today: day, nowIso: `${day}T01:00:00.000Z`, actorLabel: 'test' });

const spans = async () =>
  (
    await database.db
      .selectFrom('member_departments as h')
      .innerJoin('members as m', 'm.id', 'h.member_id')
      .innerJoin('departments as d', 'd.id', 'h.department_id')
      .select(['m.employee_no', 'd.path', 'h.from_day', 'h.to_day'])
      .orderBy('m.employee_no')
      .orderBy('h.from_day')
      .execute()
  ).map((r) => [r.employee_no, r.path, r.from_day, r.to_day]);

describe('departmentOn', () => {
  const history = [
    { departmentId: 1, fromDay: '2026-01-05' },
    { departmentId: 2, fromDay: '2026-06-01' },
  ];
  it.each([
    ['2025-12-31', 1],
    ['2026-01-05', 1],
    ['2026-05-31', 1],
    ['2026-06-01', 2],
    ['2026-12-31', 2],
  ])('on %s: department %i', (day, department) => expect(departmentOn(history, day)).toBe(department));
});

describe.each(DIALECTS)('%s: department history', (dialect) => {
  it('GIVEN members from before the statistics migration THEN their history starts in their department on the day they joined', async () => {
    database = await openTestDatabase(dialect, { migrate: false });
    const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('0004_pledges_announcements')).error).toBeUndefined();
    for (const [no, path, joined] of [['1001', '감사과', '2025-03-02'], ['1002', '복지국', '2025-07-01']] as const) {
      const department = (await database.db.insertInto('departments').values({ name: path, path, parent_id: null, created_at: 'T' }).returning('id').executeTakeFirstOrThrow()).id;
      await database.db
        .insertInto('members')
        .values({ employee_no: no, name: no, email: null, department_id: department, roles: 'employee', locale: null, preferred_locale: null, source: 'roster', joined_on: joined, left_on: null, created_at: 'T', updated_at: 'T' })
        .execute();
    }
    await migrateToLatest(database.db);
    expect(await spans()).toEqual([
      ['1001', '감사과', '2025-03-02', null],
      ['1002', '복지국', '2025-07-01', null],
    ]);
  });

  it('GIVEN roster imports THEN arrivals start on the import day and a move closes the old span on the day of the new file', async () => {
    database = await openTestDatabase(dialect);
    await importOn('2026-01-05', ['1001,김,,행정국/감사과,employee,ko', '1002,이,,행정국/총무과,employee,ko']);
    await importOn('2026-06-01', ['1001,김,,행정국/총무과,employee,ko', '1002,이,,행정국/총무과,employee,ko']);
    // Unchanged people get nothing new; a second file the same day only renames the open span.
    await importOn('2026-06-01', ['1001,김,,행정국/기획과,employee,ko', '1002,이,,행정국/총무과,employee,ko']);
    expect(await spans()).toEqual([
      ['1001', '행정국/감사과', '2026-01-05', '2026-06-01'],
      ['1001', '행정국/기획과', '2026-06-01', null],
      ['1002', '행정국/총무과', '2026-01-05', null],
    ]);

    const audit = (await database.db.selectFrom('departments').select('id').where('path', '=', '행정국/감사과').executeTakeFirstOrThrow()).id;
    const options = { calendar, minGroupSize: 5, today: '2026-12-31', now: new Date('2026-12-31T09:00:00Z') };
    const spring = await countStats(database.db, { from: '2026-03-01', to: '2026-03-31', key: '2026-03' }, options);
    const year = await countStats(database.db, { from: '2026-01-01', to: '2026-12-31', key: '2026' }, options);
    expect([spring.direct.get(audit)!.headcount, year.direct.get(audit)!.headcount]).toEqual([1, 0]);
  });

  it('GIVEN a department changed outside the roster import THEN the refresh records the move on the local day of the change', async () => {
    database = await openTestDatabase(dialect);
    await importOn('2026-01-05', ['1001,김,,행정국/감사과,employee,ko']);
    await refreshAggregates(database.db, { today: '2026-01-05', now: new Date('2026-01-05T02:00:00Z') });
    const other = (await database.db.insertInto('departments').values({ name: '기획과', path: '행정국/기획과', parent_id: null, created_at: '2026-01-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow()).id;
    // 23:30 UTC on 2 March is already 3 March in Seoul.
    await database.db.updateTable('members').set({ department_id: other, updated_at: '2026-03-02T23:30:00.000Z' }).execute();
    await refreshAggregates(database.db, { today: '2026-03-10', now: new Date('2026-03-10T00:00:00Z'), timeZone: 'Asia/Seoul' });
    expect(await spans()).toEqual([
      ['1001', '행정국/감사과', '2026-01-05', '2026-03-03'],
      ['1001', '행정국/기획과', '2026-03-03', null],
    ]);
  });

  it('GIVEN a member enrolled without the roster THEN the refresh starts their history on the day they joined', async () => {
    database = await openTestDatabase(dialect);
    const department = (await database.db.insertInto('departments').values({ name: '미지정', path: '미지정', parent_id: null, created_at: '2026-01-01T00:00:00Z' }).returning('id').executeTakeFirstOrThrow()).id;
    await database.db
      .insertInto('members')
      .values({ employee_no: null, name: 'chat', email: null, department_id: department, roles: 'employee', locale: null, preferred_locale: null, source: 'enrolled', joined_on: '2026-02-02', left_on: null, created_at: '2026-02-02T01:00:00Z', updated_at: '2026-02-02T01:00:00Z' })
      .execute();
    await refreshAggregates(database.db, { today: '2026-02-03' });
    expect(await database.db.selectFrom('member_departments').select(['department_id', 'from_day', 'to_day']).execute()).toEqual([{ department_id: department, from_day: '2026-02-02', to_day: null }]);
  });
});
