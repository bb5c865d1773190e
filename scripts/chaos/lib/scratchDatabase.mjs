// A scratch database on the machine's shared PostgreSQL (CHAOS_DATABASE_URL, default
// postgres://root@127.0.0.1:5432/test), for scenarios that never restart the server itself.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './collectorProcess.mjs';

// `pg` is the collector's own dependency: the same driver.
const pg = createRequire(join(ROOT, 'packages/collector/package.json'))('pg');

const ADMIN_URL = process.env.CHAOS_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database; `url` connects to it, `drop()` removes it (connections and all). */
export async function createScratchDatabase() {
  const name = `headcount_chaos_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
