import type { Queryable } from '../../src/storage/database';

/**
 * The indexes of `table`, and those among them that name one of `columns` (as a key or in a partial index's
 * predicate), as `index: column`. An update that changes no indexed column can be HOT (no new index entries), so a
 * table whose rows every write updates keeps what those writes change out of `naming`.
 */
export async function indexesNaming(db: Queryable, table: string, columns: readonly string[]): Promise<{ indexes: string[]; naming: string[] }> {
  const indexed = await db.query<{ index: string; definition: string }>(
    'SELECT indexrelid::regclass::text AS index, pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = $1::regclass',
    [table]);
  return {
    indexes: indexed.map((i) => i.index).sort(),
    naming: indexed.flatMap(({ index, definition }) => columns.filter((c) => new RegExp(`\\b${c}\\b`).test(definition)).map((c) => `${index}: ${c}`)),
  };
}
