import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * The anti-corruption training ledger (부패방지권익위법 시행령: at least once a year, at least two hours;
 * new hires and newly promoted staff in person): sessions, who attended them, the roster's promotion
 * day and head flag, and the reminders sent to those still short.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('members').addColumn('promoted_on', 'text').execute();
  await db.schema.alterTable('members').addColumn('is_head', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  // A session is what was held: the same day, title, kind and length recorded twice is one session.
  await withId(db, db.schema.createTable('training_sessions'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    /** face_to_face | online | elearning */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_sessions_uq', ['day', 'title', 'kind', 'minutes'])
    .execute();

  await withId(db, db.schema.createTable('training_attendance'))
    .addColumn('session_id', 'integer', (c) => c.notNull().references('training_sessions.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_attendance_uq', ['session_id', 'member_id'])
    .execute();
  await db.schema.createIndex('training_attendance_member_idx').on('training_attendance').column('member_id').execute();

  // Reminders counted per member and calendar year, so they stop after the configured maximum.
  await withId(db, db.schema.createTable('training_reminders'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addUniqueConstraint('training_reminders_uq', ['year', 'member_id', 'job_run_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['training_reminders', 'training_attendance', 'training_sessions']) await db.schema.dropTable(table).execute();
  await db.schema.alterTable('members').dropColumn('is_head').execute();
  await db.schema.alterTable('members').dropColumn('promoted_on').execute();
}
