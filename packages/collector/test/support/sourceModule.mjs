// Imports a collector module from source (vite's module runner, as vitest does), for child processes
// the tests start: sibling packages run from source too, never from a dist/ that may be stale.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const vitest = createRequire(resolve(root, 'package.json')).resolve('vitest/package.json');
const vite = createRequire(vitest).resolve('vite/package.json');
const { runnerImport } = await import(pathToFileURL(resolve(dirname(vite), 'dist/node/index.js')).href);

const conditions = ['@headcount/source', 'module', 'node', 'development|production'];

/** `path` is relative to the repository root, e.g. `packages/collector/src/server.ts`. */
export async function importSource(path) {
  const { module } = await runnerImport(resolve(root, path), {
    configFile: false,
    root,
    logLevel: 'error',
    // runnerImport's own environment externalizes every package: sibling packages must run from source too.
    environments: { inline: { resolve: { conditions, noExternal: [/^@headcount\//] } } },
  });
  return module;
}
