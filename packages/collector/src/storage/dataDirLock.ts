import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirBusyError extends Error {}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt it.
 * A pid file claims the directory; a stale one (its process gone) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'headcount.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (holder && holder !== process.pid && isRunning(holder)) {
        throw new DataDirBusyError(
          `the embedded database in ${dataDir} is in use by process ${holder} (a running \`headcount serve\`?); ` +
          'stop it first, or set DATABASE_URL to use PostgreSQL',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirBusyError(`could not lock ${dataDir}`);
}
