import type { Kysely } from 'kysely';
import { withId } from './helpers.js';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('departments'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('departments.id'))
    .addColumn('path', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('members'))
    .addColumn('employee_no', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.unique())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('locale', 'text')
    .addColumn('preferred_locale', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('joined_on', 'text', (c) => c.notNull())
    .addColumn('left_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_department_idx').on('members').column('department_id').execute();

  await withId(db, db.schema.createTable('member_accounts'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace', 'text', (c) => c.notNull())
    .addColumn('platform_user_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('member_accounts_identity_uq', ['platform', 'workspace', 'platform_user_id'])
    .execute();
  await db.schema.createIndex('member_accounts_member_idx').on('member_accounts').column('member_id').execute();

  await withId(db, db.schema.createTable('questions'))
    .addColumn('pack', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('difficulty', 'integer', (c) => c.notNull())
    .addColumn('choice_count', 'integer', (c) => c.notNull())
    .addColumn('answer_index', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('questions_version_uq', ['pack', 'slug', 'version'])
    .execute();

  await withId(db, db.schema.createTable('quiz_assignments'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('quiz_day', 'text', (c) => c.notNull())
    .addColumn('question_id', 'integer', (c) => c.notNull().references('questions.id'))
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('quiz_assignments_member_day_uq', ['member_id', 'quiz_day'])
    .execute();

  // One answer per member per quiz day: a double click or a platform retry cannot count twice.
  await withId(db, db.schema.createTable('quiz_answers'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('members.id'))
    .addColumn('question_id', 'integer', (c) => c.notNull().references('questions.id'))
    .addColumn('quiz_day', 'text', (c) => c.notNull())
    .addColumn('choice_index', 'integer', (c) => c.notNull())
    .addColumn('correct', 'integer', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('quiz_answers_member_day_uq', ['member_id', 'quiz_day'])
    .execute();
  await db.schema.createIndex('quiz_answers_day_idx').on('quiz_answers').column('quiz_day').execute();

  await withId(db, db.schema.createTable('audit_log'))
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('actor_member_id', 'integer', (c) => c.references('members.id'))
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'quiz_answers', 'quiz_assignments', 'questions', 'member_accounts', 'members', 'departments']) {
    await db.schema.dropTable(table).execute();
  }
}
