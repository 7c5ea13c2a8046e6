/**
 * What the statistics refresh steps share: the lock that makes refreshers take turns, the watermarks
 * in stats_state, and the safety margin that keeps watermarks honest on PostgreSQL.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

export type Db = Kysely<Database>;
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

/**
 * Rows written longer ago than this are certainly committed: ids and timestamps are taken when a row
 * is written, and on PostgreSQL a transaction can commit after another that took a higher id. A safe
 * watermark only ever passes rows this old; newer rows are looked at again, which every fold allows.
 */
export const SAFETY_MS = 5 * 60_000;

/** Rows per multi-row statement or IN list: far below SQLite's bound-parameter limit. */
export const BATCH = 500;

/** The first statement of every refresh transaction: updating one row serialises refreshers on both dialects. */
export async function lock(trx: Transaction<Database>): Promise<void> {
  await trx.updateTable('stats_state').set({ value: sql`value` }).where('name', '=', 'lock').execute();
}

export async function writeState(db: DbOrTrx, name: string, value: string): Promise<void> {
  await db.insertInto('stats_state').values({ name, value }).onConflict((oc) => oc.column('name').doUpdateSet({ value })).execute();
}

/** The instant before which rows are certainly committed. */
export function safeBefore(now: Date): string {
  return new Date(now.getTime() - SAFETY_MS).toISOString();
}

/** New rows read per query when walking a table from a watermark. */
const WALK_CHUNK = 50_000;

/**
 * The rows of `table` after id `after`, grouped by `group`: for each group, the highest id written
 * before `cutoff` (0 if none), which a safe watermark may pass. Walked by primary key in chunks — a
 * GROUP BY would let SQLite scan the whole table through an index on the grouped column instead.
 */
export async function newRowsByGroup(
  db: DbOrTrx,
  source: { table: 'deliveries' | 'acknowledgements'; group: 'job_run_id' | 'announcement_id'; writtenAt: 'created_at' | 'acknowledged_at' },
  after: number,
  cutoff: string,
): Promise<Map<number, number>> {
  const groups = new Map<number, number>();
  for (let cursor = after; ; ) {
    const { rows } = await sql<{ id: number; grp: number; at: string }>`
      select id, ${sql.ref(source.group)} as grp, ${sql.ref(source.writtenAt)} as at from ${sql.table(source.table)}
      where id > ${cursor} order by id limit ${WALK_CHUNK}`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) groups.set(Number(row.grp), Math.max(groups.get(Number(row.grp)) ?? 0, row.at < cutoff ? Number(row.id) : 0));
    cursor = Number(rows[rows.length - 1]!.id);
  }
  return groups;
}
