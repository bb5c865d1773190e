// A scratch database on the machine's shared PostgreSQL (CHAOS_DATABASE_URL, default
// postgres://root@127.0.0.1:5432/test), for scenarios that never restart the server itself, and for the
// benches (scripts/bench/database.mjs passes BENCH_DATABASE_URL and its own name prefix).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './collectorProcess.mjs';

// `pg` is the collector's own dependency: the same driver.
export const pg = createRequire(join(ROOT, 'packages/collector/package.json'))('pg');

const DEFAULT_ADMIN_URL = process.env.CHAOS_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

/** Runs `fn(client)` on a connection to `url`, closed afterwards. */
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on `adminUrl`'s server, named `${prefix}_<random>`; `url` connects to it,
 * `drop()` removes it (connections and all; a second call does nothing).
 */
export async function createScratchDatabase({ adminUrl = DEFAULT_ADMIN_URL, prefix = 'headcount_chaos' } = {}) {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped;
  return {
    name,
    url: url.toString(),
    adminUrl,
    drop: () => (dropped ??= withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
