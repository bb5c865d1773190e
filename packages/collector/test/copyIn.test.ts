import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyIn } from '../src/storage/copyIn';
import { backends, createScratchDatabase } from './support/databases';

// COPY's rows go out with the statement, before PostgreSQL says it is in copy mode (src/storage/copyIn.ts): these
// are the protocol's edges, on a real server.
describe.runIf(backends().includes('postgres'))('COPY in one write on postgres', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    await client.query('CREATE TABLE t (n integer, s text)');
  });
  afterAll(async () => {
    await client.end();
    await scratch.drop();
  });

  const copy = (sql: string, ...rows: string[]) => client.query(new CopyIn(sql, rows)).done;
  const rows = async () => (await client.query('SELECT n, s FROM t ORDER BY n')).rows;

  it('stores every row, escapes and non-ASCII text included, and opens a transaction with the same message', async () => {
    await copy('BEGIN; COPY t (n, s) FROM STDIN', '1\tcafé ☕\n2\ttab\\there\n3\t\\N\n');
    expect((await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = pg_backend_pid() AND xact_start IS NOT NULL')).rows[0].n).toBe(1);
    await client.query('COMMIT');
    expect(await rows()).toEqual([{ n: 1, s: 'café ☕' }, { n: 2, s: 'tab\there' }, { n: 3, s: null }]);
  });

  it('rejects with PostgreSQL\'s error for a row it refuses, stores none of them, and the connection goes on', async () => {
    await client.query('TRUNCATE t');
    await expect(copy('BEGIN; COPY t (n, s) FROM STDIN', '1\tok\nnot a number\tbad\n3\tok\n')).rejects.toThrow(/invalid input syntax for type integer/);
    await client.query('ROLLBACK');
    expect(await rows()).toEqual([]);
    expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
  });

  it('rejects a statement that fails before copy mode, and the rows sent with it are ignored', async () => {
    await expect(copy('COPY missing (n) FROM STDIN', '1\n2\n')).rejects.toThrow(/relation "missing" does not exist/);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await copy('COPY t (n, s) FROM STDIN', '7\tafter\n');
    expect(await rows()).toEqual([{ n: 7, s: 'after' }]);
  });

  it('runs several COPYs of one message in order; after an error the rest is skipped and its rows ignored', async () => {
    await client.query('TRUNCATE t');
    await client.query('CREATE TABLE IF NOT EXISTS u (n integer PRIMARY KEY)');
    await copy('BEGIN; SAVEPOINT s; COPY u (n) FROM STDIN; COPY t (n, s) FROM STDIN', '1\n2\n', '10\tten\n');
    expect(await rows()).toEqual([{ n: 10, s: 'ten' }]);
    // 2 is taken: the first COPY fails, the second never runs; the savepoint undoes the rest of the message.
    await expect(copy('SAVEPOINT s; COPY u (n) FROM STDIN; COPY t (n, s) FROM STDIN', '3\n2\n', '11\televen\n'))
      .rejects.toMatchObject({ code: '23505', constraint: 'u_pkey' });
    await client.query('ROLLBACK TO SAVEPOINT s');
    await copy('COPY t (n, s) FROM STDIN', '12\ttwelve\n');
    await client.query('COMMIT');
    expect(await rows()).toEqual([{ n: 10, s: 'ten' }, { n: 12, s: 'twelve' }]);
    expect((await client.query('SELECT n FROM u ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
