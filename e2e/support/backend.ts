import type { Backend } from '../../packages/collector/test/support/databases';

/**
 * The e2e specs run on real PostgreSQL when TEST_DATABASE_URL is set, on PGlite otherwise;
 * under CI a missing TEST_DATABASE_URL fails the run instead of quietly testing less.
 */
export function e2eBackend(): Backend {
  if (process.env.TEST_DATABASE_URL) return 'postgres';
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error('TEST_DATABASE_URL must be set under CI: the e2e specs run against real PostgreSQL there');
  }
  return 'pglite';
}
