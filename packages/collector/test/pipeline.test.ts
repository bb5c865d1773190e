import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { Pipeline, type Step } from '../src/storage/pipeline';
import { openPostgres } from '../src/storage/postgresDatabase';
import type { Statement } from '../src/storage/statement';
import { backends, createScratchDatabase } from './support/databases';

// Statements and COPY rows go out in one write, before PostgreSQL answers any of them (src/storage/pipeline.ts):
// these are the protocol's edges, on a real server.
describe.runIf(backends().includes('postgres'))('a pipeline of statements in one write on postgres', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    await client.query('CREATE TABLE t (n integer, s text)');
    await client.query('CREATE TABLE u (n integer PRIMARY KEY)');
  });
  afterAll(async () => {
    await client.end();
    await scratch.drop();
  });

  const send = (...steps: Step[]) => client.query(new Pipeline(steps)).done;
  // The COPY text in pieces, as the collector sends it: they are written one after the other.
  const copy = (sql: string, ...pieces: string[]): Step => ({ sql, rows: pieces });
  const rows = async () => (await client.query('SELECT n, s FROM t ORDER BY n')).rows;
  // The transaction status of PostgreSQL's last ReadyForQuery, as pg keeps it: 'I' idle, 'T' in a block. Read after a
  // pipeline resolved (on that ReadyForQuery); after an error, pg rejects before the ReadyForQuery comes.
  const status = () => (client as unknown as { _txStatus: string })._txStatus;

  it('stores every row, escapes and non-ASCII text included, and opens a transaction with the same write', async () => {
    await send({ sql: 'BEGIN' }, copy('COPY t (n, s) FROM STDIN', '1\tcafé ', '☕\n2\ttab\\there\n', '3\t\\N\n'));
    expect(status()).toBe('T');
    await client.query('COMMIT');
    expect(await rows()).toEqual([{ n: 1, s: 'café ☕' }, { n: 2, s: 'tab\there' }, { n: 3, s: null }]);
  });

  it('rejects with PostgreSQL\'s error for a row it refuses, stores none of them, and the connection goes on', async () => {
    await client.query('TRUNCATE t');
    await expect(send({ sql: 'BEGIN' }, copy('COPY t (n, s) FROM STDIN', '1\tok\nnot a number\tbad\n3\tok\n'))).rejects.toThrow(/invalid input syntax for type integer/);
    await client.query('ROLLBACK');
    expect(await rows()).toEqual([]);
    expect((await client.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
  });

  it('rejects a statement that fails before copy mode, and the rows sent with it are ignored', async () => {
    await expect(send(copy('COPY missing (n) FROM STDIN', '1\n2\n'))).rejects.toThrow(/relation "missing" does not exist/);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await send(copy('COPY t (n, s) FROM STDIN', '7\tafter\n'));
    expect(await rows()).toEqual([{ n: 7, s: 'after' }]);
  });

  it('runs COPYs, prepared statements with text parameters and COMMIT in order, in one transaction', async () => {
    await client.query('TRUNCATE t, u');
    // Prepared by pg on the connection first, as the collector's statements are after their first run.
    await client.query({ name: 'put_t', text: 'INSERT INTO t (n, s) SELECT x.n, x.s FROM jsonb_to_recordset($1::jsonb) AS x(n integer, s text)', values: ['[]'] });
    await send(
      { sql: 'BEGIN' },
      copy('COPY u (n) FROM STDIN', '1\n2\n'),
      { name: 'put_t', params: ['[{"n":20,"s":"twenty"},{"n":21,"s":"vingt-et-un é"}]'] },
      { name: 'put_t', params: [null] },
      { sql: 'COMMIT' },
    );
    expect(status()).toBe('I');
    expect(await rows()).toEqual([{ n: 20, s: 'twenty' }, { n: 21, s: 'vingt-et-un é' }]);
    expect((await client.query('SELECT n FROM u ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('after an error runs nothing more up to its end, COPY rows and COMMIT included; a savepoint undoes the rest', async () => {
    await client.query('TRUNCATE t, u');
    await send({ sql: 'BEGIN' }, { sql: 'SAVEPOINT s' }, copy('COPY u (n) FROM STDIN', '1\n2\n'), copy('COPY t (n, s) FROM STDIN', '10\tten\n'), { sql: 'RELEASE s' });
    // 2 is taken: the first COPY fails; the second COPY, the statement and the COMMIT never run.
    await expect(send(
      { sql: 'SAVEPOINT s' },
      copy('COPY u (n) FROM STDIN', '3\n2\n'),
      copy('COPY t (n, s) FROM STDIN', '11\televen\n'),
      { name: 'put_t', params: ['[{"n":13,"s":"thirteen"}]'] },
      { sql: 'COMMIT' },
    )).rejects.toMatchObject({ code: '23505', constraint: 'u_pkey' });
    // The block is still open and failed (the error comes before PostgreSQL's ReadyForQuery: ask, do not read pg's status).
    await expect(client.query('SELECT 1')).rejects.toThrow(/current transaction is aborted/);
    await client.query('ROLLBACK TO SAVEPOINT s');
    await send(copy('COPY t (n, s) FROM STDIN', '12\ttwelve\n'), { sql: 'COMMIT' });
    expect(await rows()).toEqual([{ n: 10, s: 'ten' }, { n: 12, s: 'twelve' }]);
    expect((await client.query('SELECT n FROM u ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

// The collector's transactions (src/storage/postgresDatabase.ts): a commit's COPYs, the statements after them and
// its COMMIT go out as one query once the connection has the statements prepared.
describe.runIf(backends().includes('postgres'))('a transaction ending with copyFrom on postgres', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let db: Database;
  const queries: unknown[] = [];
  const query = pg.Client.prototype.query;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    db = openPostgres({ connectionString: scratch.url, max: 1 });
    await db.exec('CREATE TABLE t (n integer PRIMARY KEY, s text); CREATE TABLE tally (n integer)');
    // Every query a pooled client is given, as pg sees it.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      queries.push(args[0]);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    await db.close();
    await scratch.drop();
  });

  const count: Statement = { sql: 'INSERT INTO tally SELECT count(*) FROM t WHERE s = $1', params: ['x'], name: 'count_x' };
  const write = (rows: string) =>
    db.transaction((tx) => tx.copyFrom([{ sql: 'COPY t (n, s) FROM STDIN', rows: [rows] }], { before: 'SAVEPOINT a', after: 'RELEASE a' }, { statements: [count], commit: true }));
  const tallies = async () => (await db.query<{ n: number }>('SELECT n FROM tally')).map((r) => r.n);

  it('prepares the statements on their first run, then sends COPY, statements and COMMIT as one query', async () => {
    await write('1\tx\n');
    expect(queries.length).toBeGreaterThan(1); // the pipeline, then the statement prepared by its own query, then COMMIT
    queries.length = 0;
    await write('2\tx\n3\ty\n');
    expect(queries).toHaveLength(1);
    expect(queries[0]).toBeInstanceOf(Pipeline);
    expect(await tallies()).toEqual([1, 2]);
  });

  it('commits nothing when the COPY fails: the statements and COMMIT after it never run', async () => {
    await expect(write('3\tx\n4\tx\n')).rejects.toMatchObject({ code: '23505' });
    expect(await tallies()).toEqual([1, 2]);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t'))[0]?.n).toBe(3);
  });

  it('refuses a statement after the COMMIT that went with the last ones: it would run outside the transaction', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.copyFrom([{ sql: 'COPY t (n, s) FROM STDIN', rows: ['9\tx\n'] }], undefined, { statements: [count], commit: true });
      await tx.query('SELECT 1');
    })).rejects.toThrow(/committed with its last statements/);
    // What was sent before it is committed.
    expect(await tallies()).toEqual([1, 2, 3]);
  });
});
