import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main';
import type { Queryable } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const page = (messageId: string, ids: Record<string, string>, at = new Date()) =>
  ({ type: 'page', messageId, ...ids, timestamp: at.toISOString(), context: { userAgent: UA, page: { path: '/', url: 'https://shop.example/' } } });

/** Every row of every table in the schema, as text: where any trace of a person would show. */
async function everyRow(db: Queryable): Promise<string[]> {
  const tables = await db.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  const rows: string[] = [];
  for (const { name } of tables) rows.push(...(await db.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`)).map((r) => `${name}: ${r.row}`));
  return rows;
}

describe.each(backends())('erasing a person on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) => (await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body;
  const active = async () => (await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers;
  const erase = async (path: string) => {
    const res = await fetch(`${c.url}${path}`, { method: 'DELETE', headers: bearer(c.secretKey) });
    return { status: res.status, body: await res.json() };
  };

  it('DELETE /v1/users/:userId removes every event, session, identity, alias and dead letter of the user and their devices', async () => {
    const hour = new Date(Date.now() - 3_600_000);
    expect(await send([
      page('ada~-laptop-1', { anonymousId: 'ada~-laptop' }, hour),
      { type: 'identify', messageId: 'ada~-laptop-2', anonymousId: 'ada~-laptop', userId: 'ada~-old', timestamp: hour.toISOString() },
      page('ada~-phone-1', { anonymousId: 'ada~-phone' }),
      { type: 'identify', messageId: 'ada~-phone-2', anonymousId: 'ada~-phone', userId: 'ada~', timestamp: new Date().toISOString() },
      { type: 'alias', messageId: 'ada~-alias', previousId: 'ada~-old', userId: 'ada~', timestamp: new Date().toISOString() },
      page('bob-1', { anonymousId: 'bob-phone' }),
      { type: 'identify', messageId: 'bob-2', anonymousId: 'bob-phone', userId: 'bob', timestamp: new Date().toISOString() },
    ])).toMatchObject({ accepted: 7, rejected: [] });
    // Dead letters: an invalid event naming her, and a whole unreadable body that does.
    expect((await send([{ type: 'track', messageId: 'ada~-bad', userId: 'ada~', timestamp: 'not a date' }])).rejected).toHaveLength(1);
    expect((await send([{ type: 'track', messageId: 'bob-bad', userId: 'bob', timestamp: 'not a date' }])).rejected).toHaveLength(1);
    await post(`${c.url}/v1/batch?writeKey=${c.writeKey}`, '{"batch":[{"anonymousId":"ada~-phone", broken');
    expect(await active()).toBe(2);

    const { status, body } = await erase('/v1/users/ada~');
    expect(status).toBe(200);
    // Identities: each device with its user id, and the alias's previous id (kept as a link too); dead letters: both naming her.
    expect(body).toEqual({ deleted: { events: 5, sessions: 2, identities: 3, aliases: 1, rejected: 2 } });
    // The live count drops her at once.
    expect(await active()).toBe(1);

    const rows = (await everyRow(c.db)).join('\n');
    // 'ada~' covers every id she went by (ada~-old, ada~-laptop, ada~-phone) and every messageId of hers. Random text
    // cannot hold it (keys, hashes and uuids are base62 or hex: a plain 'ada' once turned up in a secret key's hash).
    expect(rows).not.toContain('ada~');
    // Bob is untouched.
    expect(rows).toContain('bob-phone');
    expect(rows).toContain('bob-bad');
    expect((await get(`${c.url}/v1/users/bob`, bearer(c.secretKey))).body.sessions).toHaveLength(1);
    expect((await get(`${c.url}/v1/users/ada~`, bearer(c.secretKey))).status).toBe(404);
    // Erasing again finds nothing.
    expect((await erase('/v1/users/ada~')).body).toEqual({ deleted: { events: 0, sessions: 0, identities: 0, aliases: 0, rejected: 0 } });
  });

  it('DELETE /v1/anonymous/:anonymousId removes that visitor only', async () => {
    await send([page('kiosk-1', { anonymousId: 'kiosk-visitor' }), page('kiosk-2', { anonymousId: 'kiosk-visitor' }), page('other-1', { anonymousId: 'other-visitor' })]);
    expect((await erase('/v1/anonymous/kiosk-visitor')).body).toEqual({ deleted: { events: 2, sessions: 1, identities: 0, aliases: 0, rejected: 0 } });
    const rows = (await everyRow(c.db)).join('\n');
    expect(rows).not.toContain('kiosk-visitor');
    expect(rows).toContain('other-visitor');
  });

  it('needs the secret key', async () => {
    const res = await fetch(`${c.url}/v1/users/bob`, { method: 'DELETE', headers: { Authorization: `Bearer ${c.writeKey}` } });
    expect(res.status).toBe(401);
    expect((await fetch(`${c.url}/v1/anonymous/bob-phone`, { method: 'DELETE' })).status).toBe(401);
  });
});

describe.each(backends().filter((b) => b === 'postgres'))('headcount forget on %s', () => {
  it('erases as the endpoint does and says what went', async () => {
    const opened = await openTestDatabase('postgres');
    const c = await startTestCollector('postgres', { db: opened.db, app: { name: 'shop' } });
    try {
      await post(`${c.url}/v1/batch`, { batch: [page('f-1', { anonymousId: 'gone', userId: 'u-gone' }), page('f-2', { anonymousId: 'stays' })], writeKey: c.writeKey });
      const out: string[] = [];
      const err: string[] = [];
      const run = (args: string[]) => main(['forget', 'shop', ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATABASE_URL: opened.url as string, LOG_LEVEL: 'silent' } });
      expect(await run(['--user', 'u-gone', '--json'])).toBe(0);
      expect(JSON.parse(out[0] as string)).toEqual({ deleted: { events: 1, sessions: 1, identities: 1, aliases: 0, rejected: 0 } });
      expect(await run(['--user', 'a', '--anonymous', 'b'])).toBe(2);
      expect(err[0]).toMatch(/usage: headcount forget/);
      expect((await everyRow(c.db)).join('\n')).not.toContain('gone');
    } finally {
      await c.close();
      await opened.dispose();
    }
  });
});
