/**
 * Versioned content tables (pledges, pulses): one row per (pack, slug, version). Evidence points at a
 * version — a signature at the text that was signed, a pulse run at the questions that were asked —
 * so a changed item is a new version and the old one stays; an item no longer shipped is retired,
 * never deleted; an item shipped again unchanged is re-activated rather than re-versioned.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, PulseTable } from '../../db/schema.js';

/** The tables kept this way, and the columns they share. */
export type VersionedTableName = 'pledges' | 'pulses';
type VersionedRow = Selectable<PulseTable>;
type VersionedDb = Kysely<Record<VersionedTableName, PulseTable>>;

export interface VersionedItem {
  pack: string;
  slug: string;
}

/** What a table keeps of an item: the body as stored, the fingerprint that decides "changed", and any columns of its own. */
export interface VersionedShape {
  body: string;
  contentHash: string;
  columns?: Readonly<Record<string, string | number>>;
}

export interface SyncSummary {
  added: number;
  revised: number;
  retired: number;
}

export async function syncVersionedContent<I extends VersionedItem>(
  db: Kysely<Database>,
  table: VersionedTableName,
  items: readonly I[],
  shape: (item: I) => VersionedShape,
  nowIso: string,
): Promise<SyncSummary> {
  return db.transaction().execute(async (tx) => {
    // The shared columns only: each table's own columns come from `shape` and are written as given.
    const trx = tx as unknown as VersionedDb;
    const rows = await trx.selectFrom(table).selectAll().orderBy('version', 'desc').execute();
    const latest = new Map<string, VersionedRow>();
    for (const row of rows) if (!latest.has(`${row.pack}/${row.slug}`)) latest.set(`${row.pack}/${row.slug}`, row);
    const summary: SyncSummary = { added: 0, revised: 0, retired: 0 };
    const shipped = new Set<string>();
    for (const item of items) {
      const key = `${item.pack}/${item.slug}`;
      shipped.add(key);
      const { body, contentHash, columns } = shape(item);
      const current = latest.get(key);
      if (current?.content_hash === contentHash) {
        if (current.active !== 1) await trx.updateTable(table).set({ active: 1 }).where('id', '=', current.id).execute();
        continue;
      }
      if (current) await trx.updateTable(table).set({ active: 0 }).where('pack', '=', item.pack).where('slug', '=', item.slug).execute();
      const row: Insertable<PulseTable> = { pack: item.pack, slug: item.slug, version: (current?.version ?? 0) + 1, content_hash: contentHash, body, active: 1, created_at: nowIso };
      await trx.insertInto(table).values({ ...row, ...columns }).execute();
      if (current) summary.revised++;
      else summary.added++;
    }
    for (const [key, row] of latest) {
      if (!shipped.has(key) && row.active === 1) {
        await trx.updateTable(table).set({ active: 0 }).where('id', '=', row.id).execute();
        summary.retired++;
      }
    }
    return summary;
  });
}
