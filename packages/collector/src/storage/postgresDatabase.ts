import pg from 'pg';
import { Pipeline, type Step } from './pipeline';
import type { Database, ListenHooks, Queryable, Transaction } from './database';
import { DatabaseUnavailableError, isConnectionError } from './database';
import type { Statement } from './statement';

/** Server-side bounds on waiting, in milliseconds (0 turns one off). */
export interface PostgresTimeouts {
  /** Longest a statement may run. */
  statementMs: number;
  /** Longest a statement may wait for a lock (a table locked by a migration or an operator). */
  lockMs: number;
  /** Longest a transaction may sit idle (a stuck client never holds locks for good). */
  idleInTransactionMs: number;
}

export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = {
  statementMs: 30_000,
  lockMs: 5_000,
  idleInTransactionMs: 60_000,
};

export interface PostgresOptions {
  connectionString: string;
  /** Pool size; ingest uses a few connections for concurrent group commits. */
  max?: number;
  timeouts?: Partial<PostgresTimeouts>;
}

// Delays between LISTEN reconnection attempts: at once, then backing off to one try every 2 s.
const LISTEN_RETRY_MS = [0, 100, 250, 500, 1000, 2000];

/** Translates a connection failure into DatabaseUnavailableError so callers answer 503. */
function unavailable(err: unknown): never {
  throw isConnectionError(err) && !(err instanceof DatabaseUnavailableError) ? new DatabaseUnavailableError(err) : err;
}

function queryableOf(client: pg.Pool | pg.PoolClient | pg.Client): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[], name?: string) {
      const result = await (name === undefined
        ? client.query(sql, params as unknown[])
        : client.query({ name, text: sql, values: params as unknown[] })
      ).catch(unavailable);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql).catch(unavailable);
    },
  };
}

/** Whether `client` has `statement` prepared under its name (pg's own record of what it parsed on the connection). */
const isPrepared = (client: pg.PoolClient, { name, sql }: Statement) =>
  (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements[name] === sql;

const isText = (params: readonly unknown[]): params is ReadonlyArray<string | null> => params.every((p) => p === null || typeof p === 'string');

/**
 * A transaction on `client`, opened by its first statement: BEGIN goes out alone before a parameterized statement,
 * or in the same write as COPY (the ingest path: its COPYs, the statements after them and the COMMIT are one round trip).
 */
function transactionOf(client: pg.PoolClient) {
  let begun = false;
  let committed = false;
  // After a COMMIT sent with the last statements, a statement would run outside the transaction: a bug, never silent.
  const stillOpen = () => {
    if (committed) throw new Error('the transaction was committed with its last statements: nothing may run in it after them');
  };
  const begin = async () => {
    stillOpen();
    if (begun) return;
    begun = true;
    await client.query('BEGIN').catch(unavailable);
  };
  const queryable = queryableOf(client);
  const tx: Transaction = {
    async query<T>(sql: string, params?: unknown[], name?: string) {
      await begin();
      return queryable.query<T>(sql, params, name);
    },
    async exec(sql: string) {
      await begin();
      await queryable.exec(sql);
    },
    async copyFrom(copies, around, next) {
      stillOpen();
      const steps: Step[] = [];
      if (!begun) steps.push({ sql: 'BEGIN' });
      begun = true;
      if (around) steps.push({ sql: around.before });
      for (const { sql, rows } of copies) steps.push({ sql, rows });
      if (around) steps.push({ sql: around.after });
      // The statements after the COPYs go in the same write once the connection has them prepared (their first run
      // prepares them, one round trip each); a plan made once per connection is worth more than a round trip.
      const statements = next?.statements ?? [];
      const along = statements.every((s) => isPrepared(client, s) && isText(s.params));
      if (along) {
        for (const { name, params } of statements) steps.push({ name, params: params as ReadonlyArray<string | null> });
        if (next?.commit) steps.push({ sql: 'COMMIT' });
      }
      await client.query(new Pipeline(steps)).done.catch(unavailable);
      if (along) committed = next?.commit ?? false;
      else for (const { sql, params, name } of statements) await queryable.query(sql, params, name);
    },
  };
  return { tx, begun: () => begun, committed: () => committed };
}

interface Subscriber extends ListenHooks {
  onMessage: (payload: string) => void;
}

/** One LISTEN connection per channel, shared by its subscribers, re-established whenever it drops. */
interface Listener {
  channel: string;
  subscribers: Set<Subscriber>;
  client: pg.Client | undefined;
  ready: Promise<void>;
  retry: NodeJS.Timeout | undefined;
  closed: boolean;
}

/** PostgreSQL through a `pg` Pool. */
export function openPostgres(options: PostgresOptions): Database {
  const timeouts = { ...DEFAULT_POSTGRES_TIMEOUTS, ...options.timeouts };
  const connection = {
    connectionString: options.connectionString,
    // Fail fast while the database is down: the client retries on 503, a hung request helps nobody.
    connectionTimeoutMillis: 3000,
    keepAlive: true,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
  const pool = new pg.Pool({ ...connection, max: options.max ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const listeners = new Map<string, Listener>();

  async function connectListener(listener: Listener): Promise<void> {
    // LISTEN holds its connection for good: a client of its own, so a dropped one never costs a pool slot.
    const client = new pg.Client({ ...connection, statement_timeout: 0 });
    client.on('notification', (msg) => {
      if (msg.channel === listener.channel) for (const s of listener.subscribers) s.onMessage(msg.payload ?? '');
    });
    const lost = () => onListenerLost(listener, client);
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(listener.channel)}`);
    } catch (err) {
      await client.end().catch(() => {});
      return unavailable(err);
    }
    if (listener.closed) {
      await client.end().catch(() => {});
      return;
    }
    listener.client = client;
  }

  /** The connection dropped (restart, failover, terminated backend): tell the subscribers, then listen again. */
  function onListenerLost(listener: Listener, client: pg.Client): void {
    if (listener.client !== client) return;
    listener.client = undefined;
    void client.end().catch(() => {});
    if (listener.closed) return;
    for (const s of listener.subscribers) s.onDown?.();
    reconnect(listener, 0);
  }

  function reconnect(listener: Listener, attempt: number): void {
    const delay = LISTEN_RETRY_MS[Math.min(attempt, LISTEN_RETRY_MS.length - 1)];
    listener.retry = setTimeout(() => {
      listener.retry = undefined;
      if (listener.closed) return;
      listener.ready = connectListener(listener).then(
        () => {
          // Notifications sent while we were away are lost: subscribers catch up on `onUp`.
          if (!listener.closed) for (const s of listener.subscribers) s.onUp?.();
        },
        () => reconnect(listener, attempt + 1),
      );
    }, delay);
    listener.retry.unref();
  }

  async function closeListener(listener: Listener): Promise<void> {
    listener.closed = true;
    clearTimeout(listener.retry);
    if (listeners.get(listener.channel) === listener) listeners.delete(listener.channel);
    await listener.ready.catch(() => {});
    const client = listener.client;
    listener.client = undefined;
    await client?.end().catch(() => {});
  }

  return {
    kind: 'postgres',
    ...queryableOf(pool),
    async transaction(fn) {
      const client = await pool.connect().catch(unavailable);
      // A checked-out client has no pool listener: a connection dropped mid-transaction would otherwise crash the process.
      let dropped: Error | undefined;
      const onError = (err: Error) => {
        dropped = err;
      };
      client.on('error', onError);
      try {
        const opened = transactionOf(client);
        const result = await fn(opened.tx);
        if (opened.begun() && !opened.committed()) await client.query('COMMIT');
        client.removeListener('error', onError);
        client.release();
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        client.removeListener('error', onError);
        const broken = dropped ?? (isConnectionError(err) ? (err as Error) : undefined);
        // Releasing with an error destroys the client instead of returning it to the pool.
        client.release(broken);
        return unavailable(dropped ? new DatabaseUnavailableError(dropped) : err);
      }
    },
    async session(fn) {
      // A client of its own, ended afterwards: nothing it set (or left locked) reaches a pooled connection.
      const client = new pg.Client({ ...connection, statement_timeout: 0 });
      client.on('error', () => {});
      await client.connect().catch(async (err) => {
        await client.end().catch(() => {});
        return unavailable(err);
      });
      try {
        return await fn(queryableOf(client));
      } finally {
        await client.end().catch(() => {});
      }
    },
    async listen(channel, onMessage, hooks = {}) {
      let listener = listeners.get(channel);
      if (!listener) {
        const created: Listener = {
          channel, subscribers: new Set(), client: undefined, ready: Promise.resolve(), retry: undefined, closed: false,
        };
        created.ready = connectListener(created);
        listeners.set(channel, created);
        listener = created;
        try {
          await created.ready;
        } catch (err) {
          if (listeners.get(channel) === created) listeners.delete(channel);
          created.closed = true;
          throw err;
        }
      } else {
        await listener.ready;
      }
      const current = listener;
      const subscriber: Subscriber = { onMessage, ...hooks };
      current.subscribers.add(subscriber);
      return async () => {
        current.subscribers.delete(subscriber);
        if (current.subscribers.size === 0) await closeListener(current);
      };
    },
    async close() {
      await Promise.all([...listeners.values()].map(closeListener));
      await pool.end();
    },
  };
}
