import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * Holdout groups: a campaign (a quiz or nudge schedule, or a letter) with its pre-declared outcome,
 * and who was held out of it. An assignment is written once per member and campaign and never
 * changes, so the delivery and the effect report always agree. Letters may be marked mandatory.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('campaigns'))
    /** 'schedule:<name>' or 'letter:<announcement id>'; also the seed of the assignment hash. */
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('holdout', 'double precision', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('topic', 'text')
    .addColumn('weeks', 'integer', (c) => c.notNull())
    /** The declared start, or the day the campaign first reached anyone (set once). */
    .addColumn('start_day', 'text')
    /** JSON: what the treated get beyond the delivery itself, e.g. { topicWeights } of a quiz schedule. */
    .addColumn('treatment', 'text')
    /** 0 once its schedule no longer declares the holdout: nobody is held out any more, the report stays. */
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('holdout_assignments')
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaigns.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    /** The member's department when assigned: the stratum. */
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('held_out', 'integer', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('holdout_assignments_pk', ['campaign_id', 'member_id'])
    .execute();

  await db.schema.alterTable('announcements').addColumn('mandatory', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('announcements').dropColumn('mandatory').execute();
  await db.schema.dropTable('holdout_assignments').execute();
  await db.schema.dropTable('campaigns').execute();
}
