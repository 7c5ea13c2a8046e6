import type { Kysely } from 'kysely';

/**
 * A letter's acknowledgement is counted over its audience (the roster members it was addressed to
 * when sent), not over the members it reached; failed deliveries are kept beside it. The per-letter
 * aggregates are emptied so that the next statistics refresh counts every letter the new way, letters
 * that ask for no acknowledgement included.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('stats_announcement_departments').addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.deleteFrom('stats_announcement_departments').execute();
  await db.deleteFrom('stats_announcements').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('stats_announcement_departments').dropColumn('failed').execute();
}
