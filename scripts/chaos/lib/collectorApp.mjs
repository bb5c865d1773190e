import { spawn } from 'node:child_process';
import { BUILT_COLLECTOR } from './collectorProcess.mjs';

/** The CLI part of a serve command (`[cli.js, 'serve']` → `[cli.js]`). */
export function cliOf(command) {
  return command.slice(0, command.lastIndexOf('serve'));
}

/** Migrates `databaseUrl` and creates an app with the collector's own CLI; resolves to `{writeKey, ...}`. */
export function createCollectorApp({ command = BUILT_COLLECTOR, databaseUrl, name }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliOf(command), 'apps', 'create', name, '--json'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`headcount apps create exited ${code}: ${err || out}`));
      const json = out.split('\n').find((line) => line.startsWith('{'));
      resolve(JSON.parse(json));
    });
  });
}
