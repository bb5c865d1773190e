// A collector in its own process, run from source (vite's module runner, as vitest does): the multi-process live tests.
// Prints {"url"} on stdout once it listens; SIGTERM shuts it down gracefully.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const vitest = createRequire(resolve(root, 'package.json')).resolve('vitest/package.json');
const vite = createRequire(vitest).resolve('vite/package.json');
const { runnerImport } = await import(pathToFileURL(resolve(dirname(vite), 'dist/node/index.js')).href);

const conditions = ['@headcount/source', 'module', 'node', 'development|production'];
const { module: server } = await runnerImport(resolve(root, 'packages/collector/src/server.ts'), {
  configFile: false,
  root,
  logLevel: 'error',
  // runnerImport's own environment externalizes every package: sibling packages must run from source
  // too, never from a dist/ that may be stale or not built.
  environments: { inline: { resolve: { conditions, noExternal: [/^@headcount\//] } } },
});

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
