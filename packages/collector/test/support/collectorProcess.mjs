// A collector in its own process, run from source (vite's module runner, as vitest does): the multi-process live tests.
// Prints {"url"} on stdout once it listens; SIGTERM shuts it down gracefully.
import { importSource } from './sourceModule.mjs';

const server = await importSource('packages/collector/src/server.ts');

const running = await server.startServer(
  {
    databaseUrl: process.env.DATABASE_URL,
    dataDir: '',
    port: 0,
    host: '127.0.0.1',
    sentryDsn: undefined,
    logLevel: process.env.LOG_LEVEL ?? 'warn',
    trustProxy: false,
    rateLimitPerSecond: 0,
  },
  { live: JSON.parse(process.env.HEADCOUNT_LIVE_OPTIONS ?? '{}') },
);
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once('SIGTERM', () => {
  running.close().then(() => process.exit(0), () => process.exit(1));
});
