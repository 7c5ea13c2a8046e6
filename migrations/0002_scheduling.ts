import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('schedules'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    /** JSON: { all: true } or { departments: [...], roles: [...] }. */
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('working_days_only', 'integer', (c) => c.notNull())
    /** As declared in the schedules file. */
    .addColumn('enabled', 'integer', (c) => c.notNull())
    /** Paused from chat by hr/admin; survives restarts and file syncs. */
    .addColumn('paused', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // One row per fired slot. The unique (schedule, slot) insert is the claim: a slot fires once across
  // restarts and across instances sharing the database.
  await withId(db, db.schema.createTable('job_runs'))
    .addColumn('schedule_id', 'integer', (c) => c.notNull().references('schedules.id'))
    .addColumn('slot', 'text', (c) => c.notNull())
    /** The organisation-local day of the slot. */
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('planned', 'integer', (c) => c.notNull())
    /** JSON with what the run is about, e.g. the nudge chosen. */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('job_runs_schedule_slot_uq', ['schedule_id', 'slot'])
    .execute();

  // The outbox: one row per recipient per job run.
  await withId(db, db.schema.createTable('deliveries'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('member_id', 'integer', (c) => c.references('members.id'))
    /** "member:<id>" or "channel:<platform>:<channel id>". */
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('platform', 'text')
    .addColumn('message_ref', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addUniqueConstraint('deliveries_run_recipient_uq', ['job_run_id', 'recipient'])
    .execute();
  await db.schema.createIndex('deliveries_due_idx').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_member_idx').on('deliveries').column('member_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('job_runs').execute();
  await db.schema.dropTable('schedules').execute();
}
