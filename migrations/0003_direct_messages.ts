import type { Kysely } from 'kysely';

/**
 * Direct messages per account: the DM channel a platform opened (kept so it is opened once, not at
 * every restart), and whether the person asked for DMs where a platform only sends them on request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_accounts').addColumn('dm_channel_id', 'text').execute();
  await db.schema.alterTable('member_accounts').addColumn('dm_opt_in', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_accounts').dropColumn('dm_opt_in').execute();
  await db.schema.alterTable('member_accounts').dropColumn('dm_channel_id').execute();
}
