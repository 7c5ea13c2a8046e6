import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * The web dashboard's sign-in links and sessions. Neither table holds a secret: only the SHA-256 of
 * the link's token and of the session cookie are stored, so a copy of the database signs nobody in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('dashboard_links'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    /** Set once, by the one request that redeems the link. */
    .addColumn('used_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('dashboard_sessions'))
    .addColumn('session_hash', 'text', (c) => c.notNull().unique())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    /** The language chosen on the dashboard (?lang=), null until one is. */
    .addColumn('locale', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    /** The idle expiry runs from here. */
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_sessions_member_idx').on('dashboard_sessions').column('member_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dashboard_sessions').execute();
  await db.schema.dropTable('dashboard_links').execute();
}
