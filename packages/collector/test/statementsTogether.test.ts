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
    await db.exec(`CREATE TABLE left_rows (a text, b text); CREATE TABLE right_rows (a text, b text);
      CREATE TABLE writes (n serial, tbl text);
      CREATE FUNCTION note_row() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO writes (tbl) VALUES (TG_TABLE_NAME || ' row'); RETURN NEW; END $$;
      CREATE TRIGGER left_row BEFORE INSERT ON left_rows FOR EACH ROW EXECUTE FUNCTION note_row();
      CREATE TRIGGER right_row BEFORE INSERT ON right_rows FOR EACH ROW EXECUTE FUNCTION note_row();`);
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

  it('writes the tables in the order given (the order their rows are locked in)', async () => {
    for (const order of [['left_rows', 'right_rows'], ['right_rows', 'left_rows']]) {
      await db.exec('TRUNCATE writes');
      await db.transaction((tx) => run(tx, together(order.map((t) => ({ ...into(t, `test_order_${t}`), params: [t, '["x","y"]'] })))));
      const writes = (await db.query<{ tbl: string }>('SELECT tbl FROM writes ORDER BY n')).map((r) => r.tbl);
      // Each table's rows are written before the next table's first.
      expect(writes).toEqual([`${order[0]} row`, `${order[0]} row`, `${order[1]} row`, `${order[1]} row`]);
    }
  });

  it('runs a single statement as it is', () => {
    const only = { ...into('left_rows', 'test_only'), params: ['x', '[]'] };
    expect(together([only])).toBe(only);
  });
});
