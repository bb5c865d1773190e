import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export class DataDirBusyError extends Error {}

/** Raised through `onLost` when another process took the directory over (our heartbeat stalled too long). */
export class DataDirLockLostError extends Error {}

export interface DataDirLockOptions {
  /** The owner renews the lock file's mtime this often. */
  heartbeatMs?: number;
  /** A lock whose mtime has not moved for this long is abandoned (its owner died, wherever it ran). */
  staleMs?: number;
  /** Called once if the lock is found taken by someone else: stop writing at once. */
  onLost?: (err: DataDirLockLostError) => void;
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'headcount.lock';
const DEFAULTS = { heartbeatMs: 1000, staleMs: 5000 };

interface Holder {
  token: string;
  pid: number;
  host: string;
  /** Kernel boot id + PID namespace: equal only for processes whose PIDs can be checked from here. */
  pidSpace: string | null;
  startedAt: string;
}

/** This process's PID space, or null where /proc cannot tell (then liveness is proven by the heartbeat alone). */
function pidSpace(): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `${boot}/${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof holder.token === 'string' ? (holder as Holder) : null;
  } catch {
    return null;
  }
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it.
 * The lock file names its owner by a random token (PIDs repeat across containers: two PID 1s on one
 * volume) and proves the owner alive by a heartbeat on its mtime, which works across PID namespaces
 * and hosts sharing the volume. A lock nobody renews for `staleMs` is taken over; a PID the same
 * kernel and namespace can check, and finds gone, is taken over at once.
 */
export async function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): Promise<DataDirLock> {
  const { heartbeatMs, staleMs } = { ...DEFAULTS, ...options };
  const file = join(dataDir, LOCK_FILE);
  const me: Holder = { token: randomUUID(), pid: process.pid, host: hostname(), pidSpace: pidSpace(), startedAt: new Date().toISOString() };

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return hold(file, me, heartbeatMs, options.onLost);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await abandonedHolder(file, me, staleMs, heartbeatMs);
    if (holder === undefined) continue; // gone meanwhile: try again
    if (!takeOver(file, holder, me)) break;
  }
  throw busy(file);
}

function busy(file: string): DataDirBusyError {
  const holder = readHolder(file);
  return new DataDirBusyError(
    `the embedded database in ${file.slice(0, -LOCK_FILE.length - 1)} is in use by another process` +
    (holder ? ` (process ${holder.pid} on ${holder.host}, running since ${holder.startedAt})` : '') +
    ': its lock is alive. Stop that `headcount serve` first, or set DATABASE_URL to use PostgreSQL',
  );
}

/**
 * Resolves to the holder once its lock is shown abandoned (null: unreadable and unrenewed), to
 * undefined if the file disappeared, and throws DataDirBusyError while its owner renews it.
 */
async function abandonedHolder(file: string, me: Holder, staleMs: number, heartbeatMs: number): Promise<Holder | null | undefined> {
  const holder = readHolder(file);
  if (holder && me.pidSpace && holder.pidSpace === me.pidSpace && holder.pid !== process.pid && !isRunning(holder.pid)) return holder;
  const first = mtimeOf(file);
  if (first === null) return undefined;
  const deadline = performance.now() + staleMs;
  while (performance.now() < deadline) {
    await sleep(Math.min(250, heartbeatMs / 2));
    const now = mtimeOf(file);
    if (now === null) return undefined;
    const current = readHolder(file);
    if (now !== first || current?.token !== holder?.token) throw busy(file);
  }
  return holder;
}

/** Moves the abandoned lock aside, only if it is still the one judged abandoned; false if another process won. */
function takeOver(file: string, abandoned: Holder | null, me: Holder): boolean {
  const aside = `${file}.${me.token}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const moved = readHolder(aside);
  if ((moved?.token ?? null) === (abandoned?.token ?? null)) {
    rmSync(aside, { force: true });
    return true;
  }
  // A live process locked it between our check and the rename: give its lock back.
  renameSync(aside, file);
  return false;
}

function hold(file: string, me: Holder, heartbeatMs: number, onLost: DataDirLockOptions['onLost']): DataDirLock {
  let released = false;
  const stop = () => {
    released = true;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    if (released) return;
    if (readHolder(file)?.token !== me.token) {
      stop();
      onLost?.(new DataDirLockLostError(`another process took over the embedded database's lock (${file}); this one must stop writing`));
      return;
    }
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      // Checked again at the next beat.
    }
  }, heartbeatMs);
  timer.unref();
  return {
    release() {
      if (released) return;
      stop();
      if (readHolder(file)?.token === me.token) rmSync(file, { force: true });
    },
  };
}
