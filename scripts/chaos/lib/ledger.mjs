// The check every data-loss scenario ends with: what the clients generated against what is stored.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './collectorProcess.mjs';

// `pg` is the collector's own dependency: the same driver.
const pg = createRequire(join(ROOT, 'packages/collector/package.json'))('pg');

/**
 * `lost`: acknowledged but not stored (the promise broken); `doubled`: stored more than once;
 * `unacknowledged`: never acknowledged before the drain deadline (the collector did not recover).
 */
export async function checkLedger(databaseUrl, tally) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT message_id, count(*)::integer AS n FROM events WHERE message_id = ANY($1::text[]) GROUP BY message_id',
      [tally.ids],
    );
    const stored = new Map(rows.map((r) => [r.message_id, r.n]));
    const doubled = rows.filter((r) => r.n > 1).length;
    return {
      stored: stored.size,
      lost: [...tally.acknowledgedIds].filter((id) => !stored.has(id)).length,
      doubled,
      unacknowledged: tally.generated - tally.acknowledgedIds.size,
    };
  } finally {
    await client.end();
  }
}
