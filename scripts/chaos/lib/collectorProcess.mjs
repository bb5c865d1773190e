// The collector in a child process on a fixed port, so it can be killed (-9) and started again where
// its clients expect it.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The built CLI (`pnpm build`): what `pnpm chaos` runs. */
export const BUILT_COLLECTOR = [join(ROOT, 'packages/collector/dist/cli.js'), 'serve'];

/** `node ...args` on this machine, as is: what startCollectorProcess spawns unless told otherwise. */
export const plainNode = (args) => [process.execPath, args];

/**
 * Starts `node ...command` with `env` (DATABASE_URL, PORT...) and resolves once /healthz answers 200.
 * `launch` turns node's arguments into the [file, args] to spawn (the bench's memory limit wraps node in a shell that
 * execs it, so the pid is node's). `kill(signal)` resolves on exit; `exited` tells whether it ever died on its own.
 */
export async function startCollectorProcess({ command = BUILT_COLLECTOR, env, port, startTimeoutMs = 30_000, launch = plainNode }) {
  const [file, args] = launch(command);
  const child = spawn(file, args, {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', HEADCOUNT_RATE_LIMIT: '0', SENTRY_DSN: '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exit;
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => {
    exit = { code, signal };
    resolveExit(exit);
  }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exit) throw new Error(`the collector exited during start-up (${JSON.stringify(exit)}):\n${output}`);
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the collector did not answer /healthz within ${startTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    /** The exit code/signal once it has exited (killed or on its own), else undefined. */
    exit: () => exit,
    async kill(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (!exit) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
