import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres } from '../../src/storage/postgresDatabase';
import type { Database } from '../../src/storage/database';
import { migrate, MIGRATIONS } from '../../src/storage/migrate';
import { openPgliteFrom } from './pgliteSnapshots';

export type Backend = 'pglite' | 'postgres';

/**
 * The backends integration tests run against: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
 * Under CI the PostgreSQL run is mandatory: a missing URL fails instead of silently skipping.
 */
export function backends(): Backend[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error('TEST_DATABASE_URL must be set under CI: the real-PostgreSQL tests may not be skipped');
  }
  return ['pglite'];
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, empty PostgreSQL database on the TEST_DATABASE_URL server; `drop` removes it. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `headcount_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * An empty, migrated database of the given backend, and how to dispose of it; with `upTo`, migrated up to that version
 * only (as an older collector left it).
 */
export async function openTestDatabase(backend: Backend, options: { upTo?: number } = {}): Promise<{ db: Database; url?: string; dispose: () => Promise<void> }> {
  const prepare = (db: Database) => (options.upTo === undefined ? migrate(db) : migratedTo(db, options.upTo));
  if (backend === 'pglite') {
    // Started from a snapshot of the same state (pgliteSnapshots.ts): the same database, without initdb and migrations.
    const db = await openPgliteFrom(migrationState(options.upTo), prepare);
    return { db, dispose: () => db.close() };
  }
  const scratch = await createScratchDatabase();
  const db = openPostgres({ connectionString: scratch.url });
  await prepare(db);
  return {
    db,
    url: scratch.url,
    async dispose() {
      await db.close();
      await scratch.drop();
    },
  };
}

/** Applies the migrations up to `version` only, as a database made by an older collector would have them. */
export async function migratedTo(db: Database, version: number): Promise<void> {
  await db.exec('CREATE TABLE headcount_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    await db.exec(migration.sql);
    await db.query('INSERT INTO headcount_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
  }
}

/** What `prepare` above applies, as a snapshot's key: how (migrate or migratedTo) and each migration's SQL. */
function migrationState(upTo: number | undefined): string {
  const applied = MIGRATIONS.filter((m) => upTo === undefined || m.version <= upTo);
  return [upTo === undefined ? 'migrate()' : `migratedTo(${upTo})`, ...applied.map((m) => `${m.version}\n${m.sql}`)].join('\0');
}
