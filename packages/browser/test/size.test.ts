import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { buildIife } from './buildIife';

/**
 * The script-tag budget: what the bundle measures with everything PRODUCT.md section 5 asks since issue 12
 * (acknowledgement check, monotonic times, multi-store drain, new-source sessions, locked session starts).
 * Issue 3 asked for 5 KiB (5,120), reached; issue 16 asks for 4,608: its second pass took the bundle from
 * 5,037 to 4,895 bytes and its third to 4,737; refusing a stored session record without its times (whose NaN
 * deadline re-armed its timer at once, forever) and a NaN-proof Retry-After took 20 back: 4,757; keeping an unload send's events from the queue cap's drops (they were reported dropped and
 * stored) took 47 more: 4,804; a fourth pass (client methods and
 * the ping written as expressions, one writer for the session record, the queue's excess and Retry-After each computed
 * once, a measured module and property order) took it to 4,752; a fifth pass (the wrapper function written as a
 * block and no final newline, the core's declarations and the config, env and core members in a measured order, and
 * measured letters for the internal properties and the variables: rollup.config.mjs) took it to 4,659; a sixth pass
 * (Config's url renamed endpoint, so it gets a letter; storage: memory's lock announcements skipped by the core
 * rather than by an env stub; the write chain started from 0 rather than a resolved promise; watchClicks taking
 * `track` from the client; the click ids, fetch's init, the config and a few independent statements in a measured
 * order) took it to 4,639; the script tag's default host no longer read data-host, which the spread after it sets
 * anyway, 4,633; a seventh pass (the script tag's dataset spread where it is read, the core's state, config and
 * core members in an order searched together with the mangler's alphabet and letters) took it to 4,623; an eighth pass
 * (the transport and the locks written in browserEnv, whose factories terser inlined with their arguments kept in a
 * `var`, then the same orders, alphabet and letters searched again) reached 4,608. This is what it measures today, so
 * any growth fails.
 */
const BUDGET = 4_608;

it(`dist/headcount.js stays within ${BUDGET} bytes gzip -9`, async () => {
  const code = await buildIife();
  const gzip = gzipSync(code, { level: 9 }).length;
  console.log(`headcount.js: ${code.length} bytes raw, ${gzip} bytes gzip -9 (budget ${BUDGET})`);
  expect(code.length).toBeGreaterThan(1_000);
  expect(gzip).toBeLessThanOrEqual(BUDGET);
  // Sentry is an optional peer for the npm build only.
  expect(code).not.toMatch(/sentry/i);
}, 60_000);
