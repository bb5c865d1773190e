// A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free loopback port, in a temp dir: chaos
// scenarios and tests stop and restart it at will and never touch a shared server. `startReplica()` adds
// a streaming replica of it (pg_basebackup -R) in the same temp dir, on its own port.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort.mjs';

/** Where initdb/pg_ctl live: PG_BIN, else the newest Debian/Ubuntu install, else PATH. */
function binDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  for (const version of ['17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return '';
}

// initdb refuses to run as root: then the cluster belongs to the unprivileged `postgres` user.
function clusterOwner() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function run(bin, args, owner) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'], cwd: tmpdir() });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${output}`))));
  });
}

/**
 * Creates and starts a cluster; `url` connects as superuser `root` (trust auth) to database `postgres`.
 * `stop(mode)` / `start()` simulate crashes and restarts; `dispose()` stops it and removes its files.
 */
export async function startPostgresCluster() {
  const bin = binDir();
  const tool = (name) => (bin ? join(bin, name) : name);
  const owner = clusterOwner();
  const dir = mkdtempSync(join(tmpdir(), 'headcount-pg-'));
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const port = await freePort();
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=100`;
  const pgCtl = (...args) => run(tool('pg_ctl'), ['-D', data, ...args], owner);
  let running = false;
  try {
    await run(tool('initdb'), ['-D', data, '-U', 'root', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], owner);
    await pgCtl('start', '-w', '-t', '30', '-l', logFile, '-o', options);
    running = true;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const replicas = [];
  return {
    url: `postgres://root@127.0.0.1:${port}/postgres`,
    port,
    /** A hot standby streaming from this cluster (initdb's pg_hba already trusts local replication). */
    async startReplica() {
      const replicaData = join(dir, `replica-${replicas.length + 1}`);
      const replicaLog = join(dir, `replica-${replicas.length + 1}.log`);
      const replicaPort = await freePort();
      const replicaOptions = `-p ${replicaPort} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=100 -c hot_standby=on`;
      const replicaCtl = (...args) => run(tool('pg_ctl'), ['-D', replicaData, ...args], owner);
      await run(tool('pg_basebackup'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'root', '-D', replicaData, '-R', '-X', 'stream', '--no-sync'], owner);
      const replica = { running: false, stop: () => replicaCtl('stop', '-w', '-t', '30', '-m', 'immediate') };
      replicas.push(replica);
      await replicaCtl('start', '-w', '-t', '30', '-l', replicaLog, '-o', replicaOptions);
      replica.running = true;
      return {
        url: `postgres://root@127.0.0.1:${replicaPort}/postgres`,
        port: replicaPort,
        log: () => (existsSync(replicaLog) ? readFileSync(replicaLog, 'utf8') : ''),
      };
    },
    /** `immediate` is a crash (no shutdown checkpoint, clients cut); `fast` a clean stop. */
    async stop(mode = 'immediate') {
      running = false;
      await pgCtl('stop', '-w', '-t', '30', '-m', mode);
    },
    async start() {
      await pgCtl('start', '-w', '-t', '30', '-l', logFile, '-o', options);
      running = true;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async dispose() {
      for (const replica of replicas) if (replica.running) await replica.stop().catch(() => {});
      replicas.length = 0;
      if (running) await pgCtl('stop', '-w', '-t', '30', '-m', 'immediate').catch(() => {});
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
