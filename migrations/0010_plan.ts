import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * The integrity plan tracker. A plan is versioned like pledges and pulses: loading a changed file is a
 * new version and the old one stays, so a check-in keeps pointing at the task (of the version) it was
 * made for. One check-in per task and period, whoever answers and however often the form is sent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('plans'))
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    /** JSON: title and every item (strategies, core and detailed tasks) in every locale. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plans_version_uq', ['pack', 'slug', 'version'])
    .execute();

  // The detailed tasks of each version, with their owners resolved against the roster at load.
  await withId(db, db.schema.createTable('plan_tasks'))
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('plans.id'))
    .addColumn('task_key', 'text', (c) => c.notNull())
    .addColumn('owner_department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('owner_member_id', 'integer', (c) => c.references('members.id'))
    .addUniqueConstraint('plan_tasks_uq', ['plan_id', 'task_key'])
    .execute();

  await withId(db, db.schema.createTable('plan_checkins'))
    .addColumn('plan_task_id', 'integer', (c) => c.notNull().references('plan_tasks.id'))
    /** The plan's slug and the task's id: one check-in per task and period across versions. */
    .addColumn('plan_slug', 'text', (c) => c.notNull())
    .addColumn('task_key', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    /** A link or reference to the evidence (a document number, a shared-drive path). */
    .addColumn('evidence', 'text')
    .addColumn('answered_by', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plan_checkins_period_uq', ['plan_slug', 'task_key', 'period'])
    .execute();

  // Asks and reminders, counted per task, member and period so they stop after the maximum.
  await withId(db, db.schema.createTable('plan_reminders'))
    .addColumn('plan_task_id', 'integer', (c) => c.notNull().references('plan_tasks.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addUniqueConstraint('plan_reminders_uq', ['plan_task_id', 'member_id', 'job_run_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['plan_reminders', 'plan_checkins', 'plan_tasks', 'plans']) await db.schema.dropTable(table).execute();
}
