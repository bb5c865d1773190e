import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as collectorKill from '../../../scripts/chaos/collectorKill.mjs';
import * as postgresRestart from '../../../scripts/chaos/postgresRestart.mjs';
import { backends } from './support/databases';

// The chaos scenarios (`pnpm chaos`) in their seconds-long form, on the collector run from source.
const command = [join(import.meta.dirname, 'support', 'sourceCli.mjs'), 'serve'];
const print = (title: string, figures: object) => console.log(`${title}: ${JSON.stringify(figures)}`);

// Each starts a throwaway PostgreSQL cluster of its own: they run where real PostgreSQL is required.
describe.runIf(backends().includes('postgres'))('chaos, in seconds', () => {
  it('kill -9 of the collector under load from retrying clients: 0 lost, 0 doubled', async () => {
    const figures = await collectorKill.run({ command, clients: 8, loadMs: 3000, kills: 1 });
    print(collectorKill.name, figures);
    expect(figures).toMatchObject({ lost: 0, doubled: 0, unacknowledged: 0, collectorExitedOnItsOwn: false });
    expect(figures.stored).toBe(figures.generated);
    // The kill did cut clients off (else nothing was tested).
    expect(figures.networkErrors).toBeGreaterThan(0);
  }, 90_000);

  it('PostgreSQL restarted under load: 503 + Retry-After while down, 0 lost after, the live count back', async () => {
    const figures = await postgresRestart.run({ command, clients: 8, loadMs: 3000, restarts: 1, downMs: 1000, retryAfterCapMs: 300 });
    print(postgresRestart.name, figures);
    expect(figures).toMatchObject({ lost: 0, doubled: 0, unacknowledged: 0, collectorExited: false, unavailableWithoutRetryAfter: 0 });
    expect(figures.answersWhileDown[503]).toBeGreaterThan(0);
    expect(figures.answersWhileDown.other).toBe(0);
    expect(figures.networkErrors).toBe(0);
    expect(figures.activeUsersAfter).toBe(8);
  }, 90_000);
});
