import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentryReporter } from '../src/sentry';
import type { Database } from '../src/storage/database';
import { openPglite } from '../src/storage/pgliteDatabase';
import { migrate } from '../src/storage/migrate';
import { post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

/** A stand-in for sentry.io on loopback that keeps every envelope it is sent. */
async function fakeSentry() {
  const envelopes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { dsn: `http://publickey@127.0.0.1:${port}/42`, envelopes, close: () => new Promise((r) => server.close(r)) };
}

describe('Sentry reporting', () => {
  let sentry: Awaited<ReturnType<typeof fakeSentry>>;
  let c: TestCollector;
  let reporter: Awaited<ReturnType<typeof sentryReporter>>;
  let broken = false;

  beforeAll(async () => {
    sentry = await fakeSentry();
    reporter = await sentryReporter(sentry.dsn);
    const real = await openPglite();
    await migrate(real);
    // A database that can be made to fail with a bug (not an outage), which the collector must report.
    const db: Database = {
      ...real,
      transaction: (fn) => real.transaction((tx) => fn({
        ...tx,
        copyFrom: (copies, around, next) => (broken ? Promise.reject(new Error('column "oops" does not exist')) : tx.copyFrom(copies, around, next)),
      })),
    };
    c = await startTestCollector('pglite', { db, deps: { reportError: reporter.report } });
  });
  afterAll(async () => {
    await c.close();
    await sentry.close();
  });

  it('loads nothing and sends nothing without a DSN', async () => {
    const none = await sentryReporter(undefined);
    expect(none.report).toBeUndefined();
  });

  it('sends an unexpected server error to Sentry and hides its internals from the client', async () => {
    broken = true;
    const res = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey });
    broken = false;
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: 'internal_error', message: 'internal error; it has been logged' } });
    await reporter.flush();
    const event = sentry.envelopes.find((e) => e.includes('column \\"oops\\" does not exist'));
    expect(event, sentry.envelopes.join('\n---\n')).toBeDefined();
  });
});
