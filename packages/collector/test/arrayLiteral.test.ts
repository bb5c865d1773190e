import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../src/storage/arrayLiteral';
import type { Database } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';

// Client-chosen text (messageIds) reaches PostgreSQL inside array literals: every character the literal syntax gives
// a meaning to must come back exactly as sent, and a missing value as NULL.
const ODD = ['plain', '', 'NULL', 'null', '"quoted"', 'back\\slash', 'trailing\\', '{braces}', 'a,b', ' spaced ', 'tab\tline\nend',
  'ünïcödé 漢字 😀', '\\"', '"'];

describe.each(backends())('array literals on %s', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 0 }));
  });
  afterAll(() => dispose());

  it('carries any text, and NULL, exactly', async () => {
    const values = [...ODD, null];
    const [row] = await db.query<{ a: Array<string | null> }>('SELECT $1::text[] AS a', [arrayLiteral(values)]);
    expect(row?.a).toEqual(values);
  });

  it('is an empty array for no values', async () => {
    const [row] = await db.query<{ n: number }>('SELECT cardinality($1::text[]) AS n', [arrayLiteral([])]);
    expect(row?.n).toBe(0);
  });
});
