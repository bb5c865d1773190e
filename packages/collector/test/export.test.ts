import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import { writeExport } from '../src/routes/exportFormat';
import type { Queryable } from '../src/storage/database';
import { exportEvents, type ExportedEvent } from '../src/storage/exportRepository';
import { migrate } from '../src/storage/migrate';
import { openDatabase } from '../src/storage/openDatabase';
import { backends, openTestDatabase } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

/** Reads a whole export response as text. */
async function exportText(c: TestCollector, query = ''): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${c.url}/v1/export${query}`, { headers: bearer(c.secretKey) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

// Zero-padded: a batch is stored in messageId order, so these sort as they were made.
const bulk = (n: number) => `bulk-${String(n).padStart(5, '0')}`;

const ndjson = (text: string) => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ExportedEvent);

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF rows), enough to check what the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  return rows;
}

describe.each(backends())('GET /v1/export and headcount export on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) =>
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });

  it('streams every event in storage order across several pages, each line as GET /v1/events returns it plus its cursor', async () => {
    const total = 2_500;
    for (let start = 0; start < total; start += 500) {
      await send(Array.from({ length: 500 }, (_, i) => trackEvent({
        messageId: bulk(start + i), timestamp: new Date(Date.UTC(2026, 5, 1) + (start + i) * 1000).toISOString(),
        properties: { n: start + i, note: 'a, "quoted"\nline' },
      })));
    }
    const res = await exportText(c);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-ndjson; charset=utf-8');
    const lines = ndjson(res.text);
    expect(lines).toHaveLength(total);
    expect(lines.map((l) => l.messageId)).toEqual(Array.from({ length: total }, (_, i) => bulk(i)));
    const cursors = lines.map((l) => BigInt(l.cursor));
    expect(cursors.every((cursor, i) => i === 0 || cursor > (cursors[i - 1] as bigint))).toBe(true);

    const listed = (await get(`${c.url}/v1/events?limit=3`, bearer(c.secretKey))).body.events;
    expect(lines.slice(0, 3).map(({ cursor, ...event }) => event)).toEqual(listed);
  });

  it('resumes after a cursor and never misses a late event stored after it, whatever its timestamp', async () => {
    const before = ndjson((await exportText(c)).text);
    const last = before.at(-1) as ExportedEvent;
    // A kiosk's queue from last month arrives after the reader's last export.
    await send([trackEvent({ messageId: 'late-kiosk', timestamp: '2026-05-01T08:00:00Z' })]);
    await send([trackEvent({ messageId: 'fresh-one' })]);
    const after = ndjson((await exportText(c, `?after=${last.cursor}`)).text);
    expect(after.map((l) => l.messageId)).toEqual(['late-kiosk', 'fresh-one']);
    // Resuming from the middle gives exactly the rest.
    const middle = before[1_000] as ExportedEvent;
    const rest = ndjson((await exportText(c, `?after=${middle.cursor}`)).text);
    expect(rest[0]?.messageId).toBe(before[1_001]?.messageId);
    expect(rest).toHaveLength(before.length - 1_001 + 2);
  });

  it('filters by event time with from and to', async () => {
    const lines = ndjson((await exportText(c, '?from=2026-06-01T00:00:10Z&to=2026-06-01T00:00:13Z')).text);
    expect(lines.map((l) => l.messageId)).toEqual([bulk(10), bulk(11), bulk(12)]);
  });

  it('writes CSV with a fixed header, RFC 4180 quoting and JSON object columns', async () => {
    const res = await exportText(c, '?format=csv&from=2026-06-01T00:00:00Z&to=2026-06-01T00:00:02Z');
    expect(res.type).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual(['cursor', 'messageId', 'type', 'event', 'name', 'anonymousId', 'userId', 'previousId', 'groupId', 'sessionId',
      'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt', 'properties', 'traits', 'context', 'extra']);
    expect(rows).toHaveLength(2);
    const first = Object.fromEntries((header as string[]).map((name, i) => [name, (rows[0] as string[])[i]]));
    expect(first).toMatchObject({ messageId: bulk(0), type: 'track', event: 'Tapped', anonymousId: 'anon-1', userId: '', timestamp: '2026-06-01T00:00:00.000Z' });
    expect(JSON.parse(first.properties as string)).toEqual({ n: 0, note: 'a, "quoted"\nline' });
    expect(JSON.parse(first.extra as string)).toEqual({});
  });

  it('answers 400 to a bad format or cursor, 401 without the secret key', async () => {
    expect((await get(`${c.url}/v1/export?format=xml`, bearer(c.secretKey))).body.error.code).toBe('invalid_query');
    expect((await get(`${c.url}/v1/export?after=abc`, bearer(c.secretKey))).status).toBe(400);
    expect((await get(`${c.url}/v1/export?from=2026-07-01T00:00:00Z&to=2026-06-01T00:00:00Z`, bearer(c.secretKey))).status).toBe(400);
    expect((await get(`${c.url}/v1/export`)).status).toBe(401);
  });

});

describe.each(backends())('headcount export on %s', (backend) => {
  it('writes the same lines to stdout, resumable with --after', async () => {
    const opened = backend === 'postgres' ? await openTestDatabase('postgres') : undefined;
    const env = opened ? { DATABASE_URL: opened.url as string } : { DATABASE_URL: '', HEADCOUNT_DATA_DIR: mkdtempSync(join(tmpdir(), 'headcount-export-')) };
    const db = opened?.db ?? await openDatabase({ dataDir: env.HEADCOUNT_DATA_DIR as string });
    if (!opened) await migrate(db);
    const c = await startTestCollector(backend, { db, app: { name: 'shop' } });
    await post(`${c.url}/v1/batch`, { batch: ['a', 'b', 'c'].map((id) => trackEvent({ messageId: id })), writeKey: c.writeKey });
    await c.close();
    if (!opened) await db.close();
    try {
      const run = async (args: string[]) => {
        const chunks: string[] = [];
        const err: string[] = [];
        const stdout = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
        const code = await main(['export', 'shop', ...args], { out: () => {}, err: (l) => err.push(l), env: { ...env, LOG_LEVEL: 'silent' }, stdout });
        return { code, err, text: chunks.join('') };
      };
      const all = await run([]);
      expect(all).toMatchObject({ code: 0, err: [] });
      const lines = ndjson(all.text);
      expect(lines.map((l) => l.messageId)).toEqual(['a', 'b', 'c']);
      const rest = await run(['--after', (lines[0] as ExportedEvent).cursor, '--format', 'csv']);
      expect(parseCsv(rest.text).slice(1).map((row) => row[1])).toEqual(['b', 'c']);
      expect(await run(['--format', 'xml'])).toMatchObject({ code: 2, err: ['headcount: --format must be ndjson or csv'] });
    } finally {
      await opened?.dispose();
    }
  });
});

describe.each(backends())('export pages on %s', (backend) => {
  it('reads one keyset page per query, never the whole table', async () => {
    const c = await startTestCollector(backend);
    try {
      await post(`${c.url}/v1/batch`, { batch: Array.from({ length: 25 }, (_, i) => trackEvent({ messageId: `p-${i}` })), writeKey: c.writeKey });
      const limits: string[] = [];
      const counting: Queryable = {
        query: (sql, params) => {
          limits.push(/LIMIT (\d+)/.exec(sql)?.[1] ?? '');
          return c.db.query(sql, params);
        },
        exec: (sql) => c.db.exec(sql),
      };
      const sizes: number[] = [];
      for await (const page of exportEvents(counting, { appId: c.appId }, 10)) sizes.push(page.length);
      expect(sizes).toEqual([10, 10, 5]);
      expect(limits).toEqual(['10', '10', '10']);
    } finally {
      await c.close();
    }
  });
});

// Lets pending stream callbacks and promise continuations run: a step of the event loop, not a wall-clock wait.
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('writeExport', () => {
  it('reads the next page only once the reader has taken the previous one (backpressure)', async () => {
    let pulled = 0;
    async function* pages(): AsyncGenerator<ExportedEvent[]> {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield [{ cursor: String(i + 1), messageId: `m${i}` } as unknown as ExportedEvent];
      }
    }
    const pending: Array<() => void> = [];
    // A slow reader: its buffer holds one byte, each write completes only when released.
    const out = new Writable({ highWaterMark: 1, write(_chunk, _enc, done) { pending.push(done); } });
    const writing = writeExport(out, pages(), 'ndjson');
    await settle();
    expect(pulled).toBe(1);
    pending.shift()?.();
    await settle();
    expect(pulled).toBe(2);
    pending.shift()?.();
    await settle();
    pending.shift()?.();
    expect(await writing).toEqual({ rows: 3, complete: true });
  });

  it('stops reading when the reader goes away', async () => {
    let pulled = 0;
    async function* pages(): AsyncGenerator<ExportedEvent[]> {
      for (;;) {
        pulled++;
        yield [{ cursor: String(pulled), messageId: 'm' } as unknown as ExportedEvent];
      }
    }
    const out = new Writable({ highWaterMark: 1, write() { /* never completes: the reader is stuck, then leaves */ } });
    const writing = writeExport(out, pages(), 'ndjson');
    await settle();
    out.destroy();
    expect(await writing).toEqual({ rows: 1, complete: false });
    expect(pulled).toBe(1);
  });
});
