import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Database } from '../../src/storage/database';
import { pgliteDatabase } from '../../src/storage/pgliteDatabase';

/**
 * In-memory PGlite databases for tests, started from a snapshot of their data directory.
 *
 * `PGlite.create()` runs initdb (4–6 s on CI's machine) and the migrations take 2–3 s more; loading a dumped data
 * directory takes ~1.7 s. A snapshot is made once per state and kept in the temp directory under a name hashed from
 * the PGlite build, the caller's key for the state (databases.ts: the migrations' SQL) and the UTC day, so test files
 * (each in its own process) and later runs that day share it, and a changed migration or PGlite upgrade makes a new
 * one instead of reusing a stale state.
 * The day is in the key because a migration creates the event partitions of the months around now().
 */

// The resolved module path names PGlite's version (pnpm's store path carries it).
const PGLITE_BUILD = createRequire(import.meta.url).resolve('@electric-sql/pglite');

// PGlite's WebAssembly, compiled once per process, and its file bundle, read once: ~0.4 s less per database.
type Runtime = Required<Pick<PGliteOptions, 'pgliteWasmModule' | 'fsBundle'>>;
// Node's global; the collector's TypeScript declares no WebAssembly (no DOM library).
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<Runtime['pgliteWasmModule']> } };
let runtime: Promise<Runtime> | undefined;
function pgliteRuntime(): Promise<Runtime> {
  const dist = dirname(PGLITE_BUILD);
  return (runtime ??= wasm.compile(readFileSync(join(dist, 'pglite.wasm'))).then((pgliteWasmModule) => ({
    pgliteWasmModule,
    fsBundle: new Blob([readFileSync(join(dist, 'pglite.data'))]),
  })));
}

const PREFIX = 'headcount-test-pglite-';
const DAY_MS = 86_400_000;

const loaded = new Map<string, Blob>();

function snapshotPath(state: string): string {
  const day = new Date().toISOString().slice(0, 10);
  const hash = createHash('sha256').update(`${PGLITE_BUILD}\0${day}\0${state}`).digest('hex').slice(0, 24);
  return join(tmpdir(), `${PREFIX}${hash}.tar`);
}

/** Snapshots stop being used after their day: the ones older than two days go when a new one is made. */
function removeOldSnapshots(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const path = join(tmpdir(), name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 2 * DAY_MS) unlinkSync(path);
    } catch {
      // Another process removed it first.
    }
  }
}

/**
 * A fresh in-memory PGlite database in the state `prepare` brings an empty one to, described by `state` (its key:
 * the same state must always mean the same `prepare`). The first call of a state runs `prepare` and saves the snapshot.
 */
export async function openPgliteFrom(state: string, prepare: (db: Database) => Promise<unknown>): Promise<Database> {
  const path = snapshotPath(state);
  let snapshot = loaded.get(path);
  if (!snapshot) {
    try {
      snapshot = new Blob([readFileSync(path)]);
    } catch {
      snapshot = await makeSnapshot(path, prepare);
    }
    loaded.set(path, snapshot);
  }
  return pgliteDatabase(await PGlite.create({ loadDataDir: snapshot, ...(await pgliteRuntime()) }));
}

async function makeSnapshot(path: string, prepare: (db: Database) => Promise<unknown>): Promise<Blob> {
  const pglite = await PGlite.create();
  try {
    await prepare(pgliteDatabase(pglite));
    const snapshot = await pglite.dumpDataDir('none');
    // Written aside, then renamed: a reader never sees half a file, and two processes making it at once both succeed.
    const partial = `${path}.${randomBytes(6).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await snapshot.arrayBuffer()));
    renameSync(partial, path);
    removeOldSnapshots();
    return snapshot;
  } finally {
    await pglite.close();
  }
}
