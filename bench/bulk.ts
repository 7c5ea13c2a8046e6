/**
 * Bulk inserts for the benchmark seed: one INSERT … SELECT per chunk of rows, with one bound
 * parameter per chunk (SQLite: a JSON array read by json_each) or per column (PostgreSQL: arrays read
 * by unnest), so no statement comes near SQLite's bound-parameter limit and none needs thousands of
 * placeholders parsed — several times faster than multi-row VALUES on both.
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../src/db/createDb.js';

const ROWS_PER_STATEMENT = 20_000;

export type ColumnType = 'integer' | 'text';
export type Columns = Readonly<Record<string, ColumnType>>;
export type Row = Readonly<Record<string, string | number | null>>;

export async function bulkInsert(db: Kysely<any>, table: string, columns: Columns, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const into = sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})`;
  if (dialectOf(db) === 'sqlite') {
    const fields = sql.join(names.map((_, i) => sql`value ->> ${sql.lit(i)}`));
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = JSON.stringify(rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => names.map((n) => r[n] ?? null)));
      await sql`${into} select ${fields} from json_each(${chunk})`.execute(db);
    }
    return;
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const arrays = names.map((name) => sql`${chunk.map((r) => r[name] ?? null)}::${sql.raw(columns[name]!)}[]`);
    await sql`${into} select * from unnest(${sql.join(arrays)})`.execute(db);
  }
}

/** After inserting explicit ids, PostgreSQL's identity sequences must move past them. */
export async function resetSequences(db: Kysely<any>, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) === 'sqlite') return;
  for (const table of tables) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
  }
}
