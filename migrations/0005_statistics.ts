import { sql, type Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * Statistics: department history (so a move mid-year is attributed to the right department) and the
 * aggregates that keep a year of statistics for 10,000 staff fast and keep them after raw answers are
 * purged. Every aggregate can be rebuilt from the raw rows that still exist; see
 * src/features/stats/aggregates.ts for how they are kept up to date.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Which department a member belonged to from which day: [from_day, to_day), to_day null for the current one.
  await withId(db, db.schema.createTable('member_departments'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('from_day', 'text', (c) => c.notNull())
    .addColumn('to_day', 'text')
    .addUniqueConstraint('member_departments_member_from_uq', ['member_id', 'from_day'])
    .execute();
  await db.schema.createIndex('member_departments_open_idx').on('member_departments').columns(['to_day', 'member_id']).execute();
  // Until now a member's department was only the current one: that is their history from the day they joined.
  await db
    .insertInto('member_departments')
    .columns(['member_id', 'department_id', 'from_day', 'to_day'])
    .expression(db.selectFrom('members').select(['id', 'department_id', 'joined_on', sql<null>`null`.as('to_day')]))
    .execute();

  // One row per member per calendar year: character i is day-of-year i ('.' = no answer, otherwise the
  // topic and whether the answer was right, see answerDays.ts). A year of answers for one member in 366 bytes.
  await db.schema
    .createTable('stats_member_years')
    .addColumn('member_id', 'integer', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('days', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('stats_member_years_pk', ['member_id', 'year'])
    .execute();
  await db.schema.createIndex('stats_member_years_year_idx').on('stats_member_years').column('year').execute();

  // The topic each code in stats_member_years stands for; codes are never reused.
  await db.schema
    .createTable('stats_topics')
    .addColumn('code', 'integer', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull().unique())
    .execute();

  // Watermarks of the incremental refresh, and the row whose update serialises refreshers.
  await db.schema
    .createTable('stats_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('stats_state').values({ name: 'lock', value: '0' }).execute();

  // Finished job runs whose deliveries are counted in stats_deliveries.
  await db.schema
    .createTable('stats_job_runs')
    .addColumn('job_run_id', 'integer', (c) => c.primaryKey().references('job_runs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stats_job_runs_day_idx').on('stats_job_runs').column('day').execute();

  // Deliveries per finished job run and recipient department (as of the run's day; null: a channel post).
  await withId(db, db.schema.createTable('stats_deliveries'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer')
    .addColumn('sent', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('stats_deliveries_day_idx').on('stats_deliveries').column('day').execute();
  await db.schema.createIndex('stats_deliveries_run_idx').on('stats_deliveries').column('job_run_id').execute();

  // Leadership messages counted, and whether their outbox rows had all gone out by then.
  await db.schema
    .createTable('stats_announcements')
    .addColumn('announcement_id', 'integer', (c) => c.primaryKey().references('announcements.id'))
    .addColumn('settled', 'integer', (c) => c.notNull())
    .execute();
  // Per message and department (as of the message's day): members it reached, and those who acknowledged it.
  await db.schema
    .createTable('stats_announcement_departments')
    .addColumn('announcement_id', 'integer', (c) => c.notNull().references('announcements.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('acknowledged', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('stats_announcement_departments_pk', ['announcement_id', 'department_id'])
    .execute();

  // The retention purge deletes old assignments by day.
  await db.schema.createIndex('quiz_assignments_day_idx').on('quiz_assignments').column('quiz_day').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('quiz_assignments_day_idx').execute();
  for (const table of ['stats_announcement_departments', 'stats_announcements', 'stats_deliveries', 'stats_job_runs', 'stats_state', 'stats_topics', 'stats_member_years', 'member_departments']) {
    await db.schema.dropTable(table).execute();
  }
}
