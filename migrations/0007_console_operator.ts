import type { Kysely } from 'kysely';

/**
 * The console's local administrator (the person trying Probity on their own machine) is not staff:
 * it was stored as a member enrolled from chat and so counted in headcounts, audiences and pledge
 * lists. It becomes the member source 'operator', which every staff query leaves out.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const operators = db.selectFrom('member_accounts').select('member_id').where('platform', '=', 'console').where('platform_user_id', '=', 'local');
  await db.updateTable('members').set({ source: 'operator' }).where('employee_no', 'is', null).where('source', '=', 'enrolled').where('id', 'in', operators).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.updateTable('members').set({ source: 'enrolled' }).where('source', '=', 'operator').execute();
}
