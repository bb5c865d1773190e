import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';

// Citus distributes by one column: every key must start with it, every foreign key must carry it. `apps` is the reference table.
const REFERENCE_TABLES = new Set(['apps']);
// Local bookkeeping, never distributed: which migrations ran.
const LOCAL_TABLES = new Set(['headcount_migrations']);

/** What would stop the schema from distributing by app_id, read from pg_catalog. */
async function distributionProblems(db: Queryable): Promise<string[]> {
  const keys = await db.query<{ table_name: string; index_name: string; first_column: string | null }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, a.attname AS first_column
     FROM pg_index x
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
     WHERE n.nspname = current_schema() AND t.relkind IN ('r', 'p') AND (x.indisunique OR x.indisprimary)
     ORDER BY 1, 2`);
  const foreign = await db.query<{ table_name: string; constraint_name: string; referenced: string; columns: string[] }>(
    `SELECT t.relname AS table_name, c.conname AS constraint_name, r.relname AS referenced,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) AS k(n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND c.contype = 'f'
     ORDER BY 1, 2`);
  const problems: string[] = [];
  for (const key of keys) {
    if (REFERENCE_TABLES.has(key.table_name) || LOCAL_TABLES.has(key.table_name)) continue;
    if (key.first_column !== 'app_id') problems.push(`${key.table_name}: unique index ${key.index_name} starts with ${key.first_column ?? 'an expression'}, not app_id`);
  }
  for (const fk of foreign) {
    if (REFERENCE_TABLES.has(fk.table_name)) continue;
    // A foreign key to the reference table is fine on any column; between distributed tables it must include app_id.
    if (!REFERENCE_TABLES.has(fk.referenced) && !fk.columns.includes('app_id')) {
      problems.push(`${fk.table_name}: foreign key ${fk.constraint_name} to ${fk.referenced} does not include app_id`);
    }
  }
  const tables = await db.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1");
  for (const { name } of tables) {
    if (REFERENCE_TABLES.has(name) || LOCAL_TABLES.has(name)) continue;
    const [column] = await db.query('SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2', [name, 'app_id']);
    if (!column) problems.push(`${name}: no app_id column to distribute by`);
  }
  return problems;
}

describe.each(backends())('the schema distributes by app_id (Citus) on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    opened = await openTestDatabase(backend);
  });
  afterAll(() => opened.dispose());

  it('every primary key and unique index starts with app_id, every foreign key between app tables includes it', async () => {
    expect(await distributionProblems(opened.db)).toEqual([]);
  });

  it('the check sees a key or a foreign key that would stop distribution', async () => {
    await opened.db.transaction(async (tx) => {
      await tx.exec(`CREATE TABLE notes (id bigint PRIMARY KEY, app_id text NOT NULL REFERENCES apps (id), session_id text);
        CREATE TABLE note_links (app_id text NOT NULL, note_id bigint REFERENCES notes (id), PRIMARY KEY (app_id, note_id));
        CREATE TABLE loose (id text PRIMARY KEY)`);
      expect(await distributionProblems(tx)).toEqual([
        'loose: unique index loose_pkey starts with id, not app_id',
        'notes: unique index notes_pkey starts with id, not app_id',
        'note_links: foreign key note_links_note_id_fkey to notes does not include app_id',
        'loose: no app_id column to distribute by',
      ]);
      // Rolled back: the schema under test stays as migrated.
      throw new Rollback();
    }).catch((err) => { if (!(err instanceof Rollback)) throw err; });
    expect(await distributionProblems(opened.db)).toEqual([]);
  });
});

class Rollback extends Error {}
