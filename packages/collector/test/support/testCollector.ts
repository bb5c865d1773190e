import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type CollectorDeps } from '../../src/app';
import { createAppsRepository, type NewApp } from '../../src/apps/appsRepository';
import type { Database } from '../../src/storage/database';
import { openTestDatabase, type Backend } from './databases';

export interface TestCollector {
  url: string;
  db: Database;
  writeKey: string;
  secretKey: string;
  appId: string;
  /** Creates another app on the same collector. */
  createApp(input: NewApp): Promise<{ writeKey: string; secretKey: string; appId: string }>;
  close(): Promise<void>;
}

/** A collector over real HTTP on 127.0.0.1, on a fresh database, with one app. */
export async function startTestCollector(
  backend: Backend,
  options: { app?: Partial<NewApp>; deps?: Partial<CollectorDeps>; db?: Database } = {},
): Promise<TestCollector> {
  const opened = options.db ? { db: options.db, dispose: async () => {} } : await openTestDatabase(backend);
  const { db } = opened;
  const repo = createAppsRepository(db);
  const createTestApp = async (input: NewApp) => {
    const { app, secretKey } = await repo.create(input);
    return { writeKey: app.writeKey, secretKey, appId: app.id };
  };
  const main = await createTestApp({ name: 'test', ...options.app });
  const collector = createApp({ db, ...options.deps });
  const server = await new Promise<Server>((resolve) => {
    const s = collector.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    ...main,
    createApp: createTestApp,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await collector.close();
      await opened.dispose();
    },
  };
}

/** POSTs JSON (or a raw string) to the collector and returns status, headers and parsed body. */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (the SDK script)
  }
  return { status: res.status, headers: res.headers, body };
}

export const basic = (writeKey: string) => ({ Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` });
export const bearer = (secretKey: string) => ({ Authorization: `Bearer ${secretKey}` });

let counter = 0;
/** A valid track event with a unique messageId. */
export function trackEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    type: 'track',
    event: 'Tapped',
    messageId: `m-${process.pid}-${Date.now()}-${counter}`,
    anonymousId: 'anon-1',
    timestamp: new Date().toISOString(),
    properties: { n: counter },
    ...overrides,
  };
}
