import type { Kysely } from 'kysely';

/** The DM channel a platform opened for an account, kept so it is opened once, not at every restart. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_accounts').addColumn('dm_channel_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('member_accounts').dropColumn('dm_channel_id').execute();
}
