import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

/**
 * Pledges with evidence (versioned texts, campaigns, signatures with the hash of the text shown) and
 * leadership messages with acknowledgements.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Pledge texts, versioned like questions: a changed text is a new version that needs a new signature.
  await withId(db, db.schema.createTable('pledges'))
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    /** JSON: title and text in every locale. */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('pledges_version_uq', ['pack', 'slug', 'version'])
    .execute();

  await withId(db, db.schema.createTable('pledge_campaigns'))
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    /** JSON: { all: true } | { leaders: true } | { departments: [...] }. */
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('due_on', 'text')
    .addColumn('opened_by', 'integer', (c) => c.references('members.id'))
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    // One campaign per pledge, day and audience: opening it twice at once opens it once.
    .addUniqueConstraint('pledge_campaigns_day_uq', ['pack', 'slug', 'day', 'audience'])
    .execute();

  // One signature per member per pledge version: a double click or a retry cannot sign twice.
  await withId(db, db.schema.createTable('pledge_signatures'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('pledge_id', 'integer', (c) => c.notNull().references('pledges.id'))
    .addColumn('campaign_id', 'integer', (c) => c.references('pledge_campaigns.id'))
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('platform_user_id', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    /** SHA-256 (hex) of the exact pledge text shown, in the language it was shown in. */
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('pledge_signatures_member_pledge_uq', ['member_id', 'pledge_id'])
    .execute();
  await db.schema.createIndex('pledge_signatures_pledge_idx').on('pledge_signatures').column('pledge_id').execute();

  // Reminders counted per campaign and member, so they stop after the configured maximum.
  await withId(db, db.schema.createTable('pledge_reminders'))
    .addColumn('campaign_id', 'integer', (c) => c.notNull().references('pledge_campaigns.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('job_run_id', 'integer', (c) => c.notNull().references('job_runs.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addUniqueConstraint('pledge_reminders_uq', ['campaign_id', 'member_id', 'job_run_id'])
    .execute();

  await withId(db, db.schema.createTable('announcements'))
    .addColumn('author_member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    /** JSON: { all: true } | { departments: [...] }. */
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('ack_required', 'integer', (c) => c.notNull())
    /** draft → scheduled → sent, or cancelled. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('template', 'text')
    /** When it goes out (ISO); null sends at once. */
    .addColumn('send_at', 'text')
    .addColumn('day', 'text')
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .execute();

  await withId(db, db.schema.createTable('acknowledgements'))
    .addColumn('announcement_id', 'integer', (c) => c.notNull().references('announcements.id'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addUniqueConstraint('acknowledgements_announcement_member_uq', ['announcement_id', 'member_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['acknowledgements', 'announcements', 'pledge_reminders', 'pledge_signatures', 'pledge_campaigns', 'pledges']) {
    await db.schema.dropTable(table).execute();
  }
}
