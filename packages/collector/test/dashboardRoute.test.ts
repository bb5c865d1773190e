import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInTickets } from '../src/routes/dashboard';
import { get, post, startTestCollector, type TestCollector } from './support/testCollector';

describe('GET /dashboard and the one-time sign-in ticket', () => {
  let c: TestCollector;
  const tickets = createSignInTickets();
  const dir = mkdtempSync(join(tmpdir(), 'headcount-dashboard-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>dashboard</title>');
  writeFileSync(join(dir, 'dashboard.js'), 'console.log("dashboard")');

  beforeAll(async () => {
    c = await startTestCollector('pglite', { deps: { dashboardDir: () => dir, dashboardSignIn: tickets } });
  });
  afterAll(() => c.close());

  it('serves the page and its files under a strict Content-Security-Policy, with or without the trailing slash', async () => {
    for (const path of ['/dashboard', '/dashboard/']) {
      const page = await get(c.url + path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.body).toContain('<title>dashboard</title>');
    }
    const script = await get(`${c.url}/dashboard/dashboard.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // node:http, not fetch: fetch turns a conditional request into a `Cache-Control: no-cache` one.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${c.url}/dashboard/dashboard.js`, { headers: { 'If-None-Match': script.headers.get('etag')! } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject).end();
    });
    expect(status).toBe(304);
  });

  it('answers 404 JSON for files it does not serve, and for an unbuilt one', async () => {
    expect((await get(`${c.url}/dashboard/secrets.txt`)).body.error.code).toBe('not_found');
    expect((await get(`${c.url}/dashboard/..%2Fpackage.json`)).status).toBe(404);
    expect((await get(`${c.url}/dashboard/dashboard.css`)).body.error.code).toBe('dashboard_not_built');
  });

  it('gives a ticket’s key once', async () => {
    const ticket = tickets.issue('sk_the_key');
    expect((await post(`${c.url}/dashboard/ticket`, { ticket })).body).toEqual({ key: 'sk_the_key' });
    expect((await post(`${c.url}/dashboard/ticket`, { ticket })).status).toBe(401);
    expect((await post(`${c.url}/dashboard/ticket`, { ticket: 'never-issued' })).body.error.code).toBe('invalid_ticket');
  });

  it('lets a ticket expire after ten minutes', () => {
    let now = 0;
    const clocked = createSignInTickets(() => now);
    const ticket = clocked.issue('sk_late');
    now = 10 * 60_000;
    expect(clocked.redeem(ticket)).toBeUndefined();
  });
});
