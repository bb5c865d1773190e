import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { buildIife } from './buildIife';

/** The script-tag budget from issue 3: everything in PRODUCT.md section 5 within 5 KiB gzipped. */
const BUDGET = 5_120;

it(`dist/headcount.js stays within ${BUDGET} bytes gzip -9`, async () => {
  const code = await buildIife();
  const gzip = gzipSync(code, { level: 9 }).length;
  console.log(`headcount.js: ${code.length} bytes raw, ${gzip} bytes gzip -9 (budget ${BUDGET})`);
  expect(code.length).toBeGreaterThan(1_000);
  expect(gzip).toBeLessThanOrEqual(BUDGET);
  // Sentry is an optional peer for the npm build only.
  expect(code).not.toMatch(/sentry/i);
}, 60_000);
