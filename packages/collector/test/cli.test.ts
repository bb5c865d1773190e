import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { secretMatches } from '../src/apps/keys';
import { main } from '../src/cli/main';
import { lockDataDir } from '../src/storage/dataDirLock';
import { openDatabase } from '../src/storage/openDatabase';
import { createScratchDatabase, backends } from './support/databases';

/** Runs one CLI command in-process with its own environment, capturing what it prints. */
async function headcount(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { LOG_LEVEL: 'silent', ...env } });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe.each(backends())('headcount CLI on %s', (backend) => {
  let env: Record<string, string>;
  let drop = async () => {};
  beforeAll(async () => {
    if (backend === 'postgres') {
      const scratch = await createScratchDatabase();
      drop = scratch.drop;
      env = { DATABASE_URL: scratch.url };
    } else {
      env = { HEADCOUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'headcount-cli-')), DATABASE_URL: '' };
    }
  });
  afterAll(() => drop());

  it('migrates idempotently', async () => {
    const first = await headcount(['migrate'], env);
    expect(first.code).toBe(0);
    const second = await headcount(['migrate'], env);
    expect(second.stdout.trim()).toBe('Database is up to date');
  });

  it('creates, lists and rotates apps; secrets are shown once and stored hashed', async () => {
    const created = await headcount(['apps', 'create', 'kiosk', '--origin', 'https://museum.example/', '--active-window', '120', '--webhook-secret', 'whs~secret', '--json'], env);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout);
    expect(Object.keys(app).sort()).toEqual(['id', 'name', 'secretKey', 'writeKey']);
    expect(app.writeKey).toMatch(/^wk_[0-9A-Za-z]{24}$/);
    expect(app.secretKey).toMatch(/^sk_[0-9A-Za-z]{40}$/);

    const listed = await headcount(['apps', 'list', '--json'], env);
    const [row] = JSON.parse(listed.stdout);
    expect(row).toMatchObject({ name: 'kiosk', writeKey: app.writeKey, origins: ['https://museum.example'], activeWindowSeconds: 120, webhookSecret: true });
    expect(listed.stdout).not.toContain(app.secretKey);
    // Marked with '~', which no generated id or key holds: a short secret could turn up in a random key by chance.
    expect(listed.stdout).not.toContain('whs~secret');

    const human = await headcount(['apps', 'create', 'site'], env);
    expect(human.stdout).toMatch(/write key:\s+wk_/);
    expect(human.stdout).toMatch(/secret key:\s+sk_/);

    const rotated = JSON.parse((await headcount(['apps', 'rotate', 'kiosk', '--json'], env)).stdout);
    expect(rotated.secretKey).not.toBe(app.secretKey);
    const db = await openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.HEADCOUNT_DATA_DIR ?? '' });
    try {
      const stored = await createAppsRepository(db).findByName('kiosk');
      expect(stored?.secretHash).not.toContain(rotated.secretKey);
      expect(secretMatches(rotated.secretKey, stored?.secretHash ?? '')).toBe(true);
      expect(secretMatches(app.secretKey, stored?.secretHash ?? '')).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('explains bad input with exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['apps', 'create', 'kiosk'], /already exists/],
      [['apps', 'create', 'x', '--origin', 'museum'], /--origin must be a URL/],
      [['apps', 'create', 'x', '--active-window', 'soon'], /--active-window must be whole seconds/],
      [['apps', 'rotate', 'ghost'], /no app named "ghost"/],
      [['apps', 'create', 'x', '--colour', 'red'], /unknown option --colour/],
      [['launch'], /unknown command "launch"/],
    ];
    for (const [args, message] of cases) {
      const res = await headcount(args, env);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
    }
  });
});

// Only the embedded database is one process's: PostgreSQL takes any number of clients.
describe('headcount CLI on the embedded database', () => {
  it('refuses to open the embedded database while another process holds it', async () => {
    const env = { HEADCOUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'headcount-lock-')), DATABASE_URL: '' };
    expect((await headcount(['migrate'], env)).code).toBe(0);
    // A running `headcount serve` holds the lock; here with this very PID, as a container's PID 1 would.
    const serving = await lockDataDir(env.HEADCOUNT_DATA_DIR);
    const res = await headcount(['apps', 'list'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/is in use by another process .*: its lock is alive/);
    serving.release();
    expect((await headcount(['apps', 'list'], env)).code).toBe(0);
  });
});

const builtCli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const mustBeBuilt = process.env.CI === 'true' || existsSync(builtCli);

// `pnpm test` builds first; the bin users run must start and speak.
describe.runIf(mustBeBuilt)('the built headcount bin', () => {
  it('prints its help', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [builtCli, 'help']);
    expect(stdout).toMatch(/^Usage: headcount <command>/);
    expect(stdout).toContain('apps create NAME');
  });
});
