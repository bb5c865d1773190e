import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirBusyError, DataDirLockLostError, lockDataDir } from '../src/storage/dataDirLock';

const freshDir = () => mkdtempSync(join(tmpdir(), 'headcount-lock-'));
const lockFile = (dir: string) => join(dir, 'headcount.lock');

/** A lock file as another process would leave it; `beat()` renews it as its heartbeat would. */
function foreignLock(dir: string, holder: Record<string, unknown>) {
  writeFileSync(lockFile(dir), JSON.stringify({ token: 'someone-else', host: 'elsewhere', startedAt: '2026-01-01T00:00:00Z', ...holder }));
  const past = new Date(Date.now() - 60_000);
  utimesSync(lockFile(dir), past, past);
  let n = 0;
  return {
    beat() {
      const t = new Date(past.getTime() + ++n * 1000);
      utimesSync(lockFile(dir), t, t);
    },
  };
}

describe('the embedded data dir lock', () => {
  it('refuses a second holder with the same PID (two containers, both PID 1, on one volume)', async () => {
    const dir = freshDir();
    const first = await lockDataDir(dir, { heartbeatMs: 50 });
    // Same PID, same host: only the heartbeat can tell that the holder is alive.
    await expect(lockDataDir(dir, { heartbeatMs: 50, staleMs: 2000 })).rejects.toThrow(DataDirBusyError);
    await expect(lockDataDir(dir, { heartbeatMs: 50, staleMs: 2000 })).rejects.toThrow(/in use by another process \(process \d+ on .+\): its lock is alive/);
    first.release();
    const second = await lockDataDir(dir, { heartbeatMs: 50 });
    second.release();
  });

  it('refuses a holder its PID check cannot see (another host or namespace) while its heartbeat runs, and takes over once it stops', async () => {
    const dir = freshDir();
    const other = foreignLock(dir, { pid: 1, pidSpace: 'another-kernel/pid:[1]' });
    const beating = setInterval(() => other.beat(), 50);
    try {
      await expect(lockDataDir(dir, { heartbeatMs: 50, staleMs: 1000 })).rejects.toThrow(/process 1 on elsewhere/);
    } finally {
      clearInterval(beating);
    }
    // Its heartbeat stopped: after staleMs without a beat the lock is abandoned and ours.
    const lock = await lockDataDir(dir, { heartbeatMs: 50, staleMs: 300 });
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock left with our own PID by an earlier life (a restarted container) once it is not renewed', async () => {
    const dir = freshDir();
    foreignLock(dir, { pid: process.pid, pidSpace: null });
    const lock = await lockDataDir(dir, { heartbeatMs: 50, staleMs: 300 });
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).token).not.toBe('someone-else');
    lock.release();
  });

  it('tells its holder when another process took the lock over, so it stops writing', async () => {
    const dir = freshDir();
    const lost: DataDirLockLostError[] = [];
    const lock = await lockDataDir(dir, { heartbeatMs: 20, onLost: (err) => lost.push(err) });
    writeFileSync(lockFile(dir), JSON.stringify({ token: 'usurper', pid: 1, host: 'elsewhere' }));
    await expect.poll(() => lost.length).toBe(1);
    expect(lost[0]).toBeInstanceOf(DataDirLockLostError);
    lock.release();
    // Releasing never removes the lock of the process that holds it now.
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).token).toBe('usurper');
  });
});

describe('two collector processes on one embedded data dir', () => {
  const cli = join(import.meta.dirname, 'support', 'sourceCli.mjs');
  const serve = (dataDir: string) => {
    const child = spawn(process.execPath, [cli, 'serve'], {
      env: { ...process.env, DATABASE_URL: '', HEADCOUNT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', () => stderr.includes('collector listening') && resolve());
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    // Only awaited for the processes expected to serve.
    listening.catch(() => {});
    return { child, exited, listening, stderr: () => stderr };
  };

  it('refuses the second while the first serves, and lets a new one in once the first has crashed', async () => {
    const dir = freshDir();
    const first = serve(dir);
    try {
      await first.listening;
      const second = serve(dir);
      expect(await second.exited).toBe(2);
      expect(second.stderr()).toMatch(/is in use by another process \(process \d+ on .+\): its lock is alive/);

      first.child.kill('SIGKILL');
      await first.exited;
      // The crashed holder left its lock behind; its PID is gone from this kernel: taken over.
      const third = serve(dir);
      await third.listening;
      third.child.kill('SIGKILL');
      await third.exited;
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 90_000);
});
