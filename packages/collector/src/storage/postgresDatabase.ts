import pg from 'pg';
import type { Database, Queryable } from './database';
import { DatabaseUnavailableError, isConnectionError } from './database';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size; ingest uses a few connections for concurrent group commits. */
  max?: number;
}

/** Translates a connection failure into DatabaseUnavailableError so callers answer 503. */
function unavailable(err: unknown): never {
  throw isConnectionError(err) ? new DatabaseUnavailableError(err) : err;
}

function queryableOf(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params as unknown[]).catch(unavailable);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql).catch(unavailable);
    },
  };
}

/** PostgreSQL through a `pg` Pool. */
export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Fail fast while the database is down: the client retries on 503, a hung request helps nobody.
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const listeners = new Map<string, { client: pg.Client; callbacks: Set<(payload: string) => void> }>();

  return {
    kind: 'postgres',
    ...queryableOf(pool),
    async transaction(fn) {
      const client = await pool.connect().catch(unavailable);
      try {
        await client.query('BEGIN');
        const result = await fn(queryableOf(client));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        client.release(isConnectionError(err) ? (err as Error) : undefined);
        return unavailable(err);
      }
    },
    async listen(channel, onMessage) {
      let entry = listeners.get(channel);
      if (!entry) {
        // LISTEN holds its connection for good: a client of its own, so a dropped one never costs a pool slot.
        const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 3000 });
        const callbacks = new Set<(payload: string) => void>();
        const created = { client, callbacks };
        client.on('notification', (msg) => {
          if (msg.channel === channel) for (const cb of callbacks) cb(msg.payload ?? '');
        });
        client.on('error', () => {
          if (listeners.get(channel) === created) listeners.delete(channel);
          void client.end().catch(() => {});
        });
        try {
          await client.connect();
          await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (err) {
          await client.end().catch(() => {});
          return unavailable(err);
        }
        entry = created;
        listeners.set(channel, entry);
      }
      const current = entry;
      current.callbacks.add(onMessage);
      return async () => {
        current.callbacks.delete(onMessage);
        if (current.callbacks.size > 0) return;
        if (listeners.get(channel) === current) listeners.delete(channel);
        await current.client.end().catch(() => {});
      };
    },
    async close() {
      const clients = [...listeners.values()].map(({ client }) => client.end().catch(() => {}));
      listeners.clear();
      await Promise.all(clients);
      await pool.end();
    },
  };
}
