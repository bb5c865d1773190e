import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { migrate } from '../src/storage/migrate';
import { openPostgres } from '../src/storage/postgresDatabase';
import { createScratchDatabase } from './support/databases';
import { openSse, type SseClient } from './support/sseClient';
import { get, post, trackEvent } from './support/testCollector';

const AGREE_MS = 2000;
const script = fileURLToPath(new URL('./support/collectorProcess.mjs', import.meta.url));

interface Process {
  url: string;
  child: ChildProcess;
}

/** Starts a collector in its own Node process on `databaseUrl`; no memory is shared with the other one. */
async function startProcess(databaseUrl: string): Promise<Process> {
  // A long resync: agreement must come from NOTIFY, not from polling.
  const env = { ...process.env, DATABASE_URL: databaseUrl, HEADCOUNT_LIVE_OPTIONS: JSON.stringify({ resyncMs: 60_000 }) };
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`collector process exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function stop({ child }: Process): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Polls `GET /v1/active` until it answers `count`, for at most `ms`. */
async function untilActive(url: string, writeKey: string, count: number, ms = AGREE_MS): Promise<number> {
  const deadline = Date.now() + ms;
  let last: number;
  do {
    last = (await get(`${url}/v1/active?writeKey=${writeKey}`)).body.activeUsers;
    if (last === count) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  return last;
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('live count across collector processes on one PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let a: Process;
  let b: Process;
  let writeKey: string;
  const streams: SseClient[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    const db = openPostgres({ connectionString: scratch.url });
    await migrate(db);
    writeKey = (await createAppsRepository(db).create({ name: 'shared' })).app.writeKey;
    await db.close();
    [a, b] = await Promise.all([startProcess(scratch.url), startProcess(scratch.url)]);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await Promise.all([a && stop(a), b && stop(b)]);
    await scratch?.drop();
  });

  const send = (url: string, batch: unknown[]) => post(`${url}/v1/batch`, { batch, writeKey });
  const visit = (anonymousId: string, sessionId: string, extra: Record<string, unknown> = {}) =>
    trackEvent({ anonymousId, context: { sessionId }, ...extra });

  it("reports, on the other process's GET and stream, a visitor ingested by one within 2 s", async () => {
    const onB = await openSse(`${b.url}/v1/active/stream?writeKey=${writeKey}`);
    streams.push(onB);
    await onB.untilCount(0);

    await send(a.url, [visit('shared-1', 'sh-1'), visit('shared-2', 'sh-2')]);
    await onB.untilCount(2, AGREE_MS);
    expect(await untilActive(b.url, writeKey, 2)).toBe(2);
    expect(await untilActive(a.url, writeKey, 2)).toBe(2);

    await send(a.url, [visit('shared-1', 'sh-1', { event: 'Session Ended', properties: { reason: 'manual' } })]);
    await onB.untilCount(1, AGREE_MS);
    expect(await untilActive(b.url, writeKey, 1)).toBe(1);
  });

  it('agrees in both directions, with streams open on both processes', async () => {
    const onA = await openSse(`${a.url}/v1/active/stream?writeKey=${writeKey}`);
    const onB = await openSse(`${b.url}/v1/active/stream?writeKey=${writeKey}`);
    streams.push(onA, onB);
    const before = (await get(`${a.url}/v1/active?writeKey=${writeKey}`)).body.activeUsers as number;
    await Promise.all([onA.untilCount(before), onB.untilCount(before)]);

    await send(b.url, [visit('from-b', 'fb-1')]);
    await Promise.all([onA.untilCount(before + 1, AGREE_MS), onB.untilCount(before + 1, AGREE_MS)]);
  });
});
