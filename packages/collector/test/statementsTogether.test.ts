import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { run, together, type Statement } from '../src/storage/statement';
import { backends, openTestDatabase } from './support/databases';

const into = (table: string, name: string): Statement => ({
  sql: `INSERT INTO ${table} (a, b) SELECT $1, x FROM jsonb_array_elements_text($2::jsonb) AS x`,
  params: [],
  name,
});

describe.each(backends())('statements run together on %s', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 0 }));
    await db.exec('CREATE TABLE left_rows (a text, b text); CREATE TABLE right_rows (a text, b text)');
  });
  afterAll(() => dispose());

  it('gives each statement its own parameters, renumbered, and writes every table', async () => {
    const left = { ...into('left_rows', 'test_left'), params: ['L', JSON.stringify(['1', '2'])] };
    const right = { ...into('right_rows', 'test_right'), params: ['R', JSON.stringify(['$1', '3'])] };
    const both = together([left, right]);
    expect(both.name).toBe('test_left+test_right');
    expect(both.params).toEqual(['L', '["1","2"]', 'R', '["$1","3"]']);
    await db.transaction((tx) => run(tx, both));
    expect(await db.query('SELECT a, b FROM left_rows ORDER BY b')).toEqual([{ a: 'L', b: '1' }, { a: 'L', b: '2' }]);
    // A "$1" inside a parameter's value is data, not renumbered.
    expect(await db.query('SELECT a, b FROM right_rows ORDER BY b')).toEqual([{ a: 'R', b: '$1' }, { a: 'R', b: '3' }]);
  });

  it('runs a single statement as it is', () => {
    const only = { ...into('left_rows', 'test_only'), params: ['x', '[]'] };
    expect(together([only])).toBe(only);
  });
});
