import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { main } from '../src/cli/main';
import { readConfig } from '../src/config';
import type { Database } from '../src/storage/database';
import { createDeadLetterRepository, type DeadLetterEntry } from '../src/storage/deadLetterRepository';
import { migrate } from '../src/storage/migrate';
import { openDatabase } from '../src/storage/openDatabase';
import { backends, createScratchDatabase } from './support/databases';

async function headcount(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { LOG_LEVEL: 'silent', ...env } });
  return { code, lines: out, stderr: err.join('\n') };
}

const kept = (body: unknown, overrides: Partial<DeadLetterEntry> = {}): DeadLetterEntry => ({
  receivedAt: new Date(Date.now() - 3_600_000),
  code: 'invalid_field',
  message: 'userId must be a string',
  messageId: null,
  kind: 'event',
  facts: { sentAt: new Date(Date.now() - 3_600_000).toISOString() },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  ...overrides,
});

describe.each(backends())('headcount rejected list|replay|purge on %s', (backend) => {
  let env: Record<string, string>;
  let drop = async () => {};
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase(readConfig(env));
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    if (backend === 'postgres') {
      const scratch = await createScratchDatabase();
      drop = scratch.drop;
      env = { DATABASE_URL: scratch.url };
    } else {
      env = { HEADCOUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'headcount-rejected-')), DATABASE_URL: '' };
    }
    await withDb(async (db) => {
      await migrate(db);
      const { app } = await createAppsRepository(db).create({ name: 'shop' });
      const store = createDeadLetterRepository(db);
      await store.keep(app.id, [
        // Rejected by an older collector that did not read numeric ids: accepted now.
        kept({ type: 'track', event: 'Bought', userId: 42, messageId: 'replay-1', timestamp: new Date(Date.now() - 3_600_000).toISOString() }),
        // Still invalid.
        kept({ type: 'track', anonymousId: 'a', messageId: 'replay-2' }, { code: 'missing_field', message: 'event is required for track' }),
        // A body that was never JSON.
        kept('{"batch": [', { kind: 'batch', code: 'invalid_json', message: 'not JSON' }),
        // A whole batch a fix now reads: its events are ingested, its bad one becomes an entry of its own.
        kept({ batch: [{ type: 'page', anonymousId: 'b', messageId: 'replay-3' }, { type: 'page' }] }, { kind: 'batch', code: 'invalid_body', message: 'old' }),
      ]);
    });
  });
  afterAll(() => drop());

  it('lists the store, one line an entry, or NDJSON with --json', async () => {
    const listed = await headcount(['rejected', 'list', 'shop'], env);
    expect(listed.code).toBe(0);
    expect(listed.lines.at(-1)).toBe('4 rejected entries');
    const json = await headcount(['rejected', 'list', 'shop', '--json', '--limit', '2'], env);
    const entries = json.lines.map((l) => JSON.parse(l));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ code: 'invalid_field', kind: 'event', body: { userId: 42, messageId: 'replay-1' } });
  });

  it('replays: what is accepted now leaves the store, what is not stays with its new reason', async () => {
    const replay = await headcount(['rejected', 'replay', 'shop', '--json'], env);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.lines[0] as string)).toEqual({ replayed: 2, accepted: 2, duplicates: 0, stillRejected: 3 });
    const stored = await withDb((db) => db.query<{ message_id: string; user_id: string | null; received_at: Date }>(
      'SELECT message_id, user_id, received_at FROM events ORDER BY message_id'));
    expect(stored.map((r) => [r.message_id, r.user_id])).toEqual([['replay-1', '42'], ['replay-3', null]]);
    // Stored as first received, not at replay time.
    expect(new Date(stored[0]!.received_at).getTime()).toBeLessThan(Date.now() - 3_000_000);
    const left = (await headcount(['rejected', 'list', 'shop', '--json'], env)).lines.map((l) => JSON.parse(l));
    expect(left.map((e) => e.code).sort()).toEqual(['invalid_json', 'missing_field', 'missing_identity']);

    const again = await headcount(['rejected', 'replay', 'shop', '--json'], env);
    expect(JSON.parse(again.lines[0] as string)).toMatchObject({ replayed: 0, accepted: 0, stillRejected: 3 });
  });

  it('purges the store', async () => {
    expect((await headcount(['rejected', 'purge', 'shop'], env)).lines).toEqual(['Purged 3 rejected entries of "shop"']);
    expect((await headcount(['rejected', 'list', 'shop'], env)).lines).toEqual(['0 rejected entries']);
    const unknown = await headcount(['rejected', 'list', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no app named "nope"/);
  });
});
