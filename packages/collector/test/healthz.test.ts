import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../src/http/errors';
import { healthRoutes, STUCK_WRITER_MS } from '../src/routes/health';
import type { Queryable } from '../src/storage/database';

describe('GET /healthz', () => {
  it('answers 503 writer_stuck while a commit has been running too long, though the database answers SELECT 1', async () => {
    // A database that answers every query at once.
    const db: Queryable = { query: async <T>() => [{ one: 1 }] as T[], exec: async () => {} };
    let oldestCommitAgeMs = 0;
    const app = express();
    app.use(healthRoutes(db, { oldestCommitAgeMs: () => oldestCommitAgeMs }));
    app.use(errorHandler({ log: () => {} }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      expect((await fetch(url)).status).toBe(200);
      oldestCommitAgeMs = STUCK_WRITER_MS + 1;
      const stuck = await fetch(url);
      expect(stuck.status).toBe(503);
      expect(Number(stuck.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await stuck.json()) as { error: { code: string } }).error.code).toBe('writer_stuck');
      oldestCommitAgeMs = 5;
      expect((await fetch(url)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
