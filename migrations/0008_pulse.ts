import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/db/createDb.js';
import { withId } from './helpers.js';

/**
 * The integrity perception pulse, anonymous by construction. Who responded (for reminders and the
 * response rate) and what was answered live in two tables that share nothing but the pulse run:
 * an answer has no member, no account, no time of its own and no sequential id, and its department
 * is only ever a level that enough people share.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Pulse questionnaires, versioned like pledges: a changed item is a new version, so a run's figures
  // always belong to the wording that was shown.
  await withId(db, db.schema.createTable('pulses'))
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    /** JSON: title, intro and items (kind, short label, full text) in every locale. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pulses_version_uq', ['pack', 'slug', 'version'])
    .execute();

  await withId(db, db.schema.createTable('pulse_runs'))
    .addColumn('pulse_id', 'integer', (c) => c.notNull().references('pulses.id'))
    /** JSON: { all: true } | { departments: [...] }. */
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('closes_on', 'text')
    .addColumn('opened_by', 'integer', (c) => c.references('members.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    /** The minimum group size the answers were coarsened to at close. */
    .addColumn('min_group_size', 'integer')
    // One run per pulse, day and audience: opening it twice at once opens it once.
    .addUniqueConstraint('pulse_runs_day_uq', ['pulse_id', 'day', 'audience'])
    .execute();

  // Who responded, and from which department: never what. One row per member and run, so a double
  // submit or a retry records one response (and its answers once).
  await withId(db, db.schema.createTable('pulse_responses'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('pulse_runs.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addUniqueConstraint('pulse_responses_run_member_uq', ['run_id', 'member_id'])
    .execute();

  // What was answered: one row per item answered, under a random id (no insertion order to line up
  // with the responses), with a department that is coarsened up the tree at close until at least the
  // minimum group size of respondents share it (null: the organisation as a whole).
  const answers = db.schema
    .createTable('pulse_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('pulse_runs.id'))
    .addColumn('item', 'integer', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.references('departments.id'));
  // SQLite would otherwise keep a hidden, sequential rowid: the n-th answer next to the n-th response.
  await (dialectOf(db) === 'sqlite' ? answers.modifyEnd(sql`without rowid`) : answers).execute();
  await db.schema.createIndex('pulse_answers_run_idx').on('pulse_answers').column('run_id').execute();

  // Reminders counted per run and member, so they stop after the configured maximum.
  await withId(db, db.schema.createTable('pulse_reminders'))
    .addColumn('run_id', 'integer', (c) => c.notNull().references('pulse_runs.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addUniqueConstraint('pulse_reminders_uq', ['run_id', 'member_id', 'job_run_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['pulse_reminders', 'pulse_answers', 'pulse_responses', 'pulse_runs', 'pulses']) {
    await db.schema.dropTable(table).execute();
  }
}
