// GET /headcount-live.js: the <headcount-live> element, served first-party like the SDK.
import { mkdtempSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { errorHandler } from '../src/http/errors';
import { sdkScriptRoutes } from '../src/routes/sdkScript';

const dir = mkdtempSync(join(tmpdir(), 'headcount-live-script-'));
const elementFile = join(dir, 'headcount-live.js');
writeFileSync(elementFile, 'customElements.define("headcount-live", class extends HTMLElement {});\n');
let server: Server;
let url = '';

beforeAll(async () => {
  const app = express();
  app.use(sdkScriptRoutes(() => join(dir, 'missing-sdk.js'), () => elementFile));
  app.use(errorHandler({ log: () => {} }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('serves the element script cacheable with an ETag, 304 when unchanged, to any origin', async () => {
  const res = await fetch(`${url}/headcount-live.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(res.headers.get('cache-control')).toMatch(/max-age=3600/);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(await res.text()).toContain('headcount-live');
  // node:http, not fetch: fetch turns a conditional request into a no-cache one.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    http.get(`${url}/headcount-live.js`, { headers: { 'If-None-Match': res.headers.get('etag')! } }, (r) => {
      r.resume();
      resolve(r.statusCode);
    }).on('error', reject);
  });
  expect(status).toBe(304);
});

it('says how to build a script that is missing, as JSON', async () => {
  const res = await fetch(`${url}/headcount.js`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: { code: 'sdk_not_built', message: 'the browser SDK is not built; run `pnpm build`' } });
});
