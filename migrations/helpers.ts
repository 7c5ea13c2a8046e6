import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../src/db/createDb.js';

/**
 * An auto-incrementing integer primary key that both dialects understand:
 * SQLite's INTEGER PRIMARY KEY AUTOINCREMENT and PostgreSQL's identity column.
 */
export function withId<T extends string>(db: Kysely<any>, table: CreateTableBuilder<T, never>) {
  const sqlite = dialectOf(db) === 'sqlite';
  return table.addColumn('id', 'integer', (c: ColumnDefinitionBuilder) =>
    sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
  );
}
