// The collector as on a machine with less memory: a memory cgroup of that size, which Node reads at start to size
// V8's heap (`uv_get_constrained_memory`), exactly as it reads a small VPS's RAM or a container's limit. On this
// bench machine (24 GB) Node gives V8 a 4 GB old generation and 16 MB semi-spaces, and V8 lets garbage pile up
// accordingly; on a 1 GB machine the same defaults give 512 MB and 4 MB.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainNode } from '../chaos/lib/collectorProcess.mjs';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** `1G`, `512M`, `2147483648` → bytes. */
export function parseBytes(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) throw new Error(`BENCH_COLLECTOR_MEMORY: "${text}" is not a size (say 1G or 512M)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

/**
 * The memory controller's directory and its limit file, cgroup v2 or v1; null when the machine has neither. On v2 a
 * child group has `memory.max` only when the root hands the controller down (`cgroup.subtree_control`).
 */
function memoryController() {
  const v2 = join(CGROUP_ROOT, 'cgroup.subtree_control');
  if (existsSync(v2)) return readFileSync(v2, 'utf8').split(/\s+/).includes('memory') ? { dir: CGROUP_ROOT, limitFile: 'memory.max' } : null;
  const v1 = join(CGROUP_ROOT, 'memory');
  if (existsSync(join(v1, 'memory.limit_in_bytes'))) return { dir: v1, limitFile: 'memory.limit_in_bytes' };
  return null;
}

/**
 * A memory cgroup of `bytes` for the collector. `command(args)` is the [file, args] that starts `node ...args`
 * inside it (a shell moves itself in, then execs node: the pid stays the collector's); `remove()` deletes the group
 * once its processes have exited. Throws with the reason when the machine will not make one (no memory controller
 * a new group can use, no permission), leaving nothing behind.
 */
export function createMemoryLimit(bytes) {
  const controller = memoryController();
  if (!controller) {
    throw new Error('BENCH_COLLECTOR_MEMORY: no memory cgroup controller a new group can use under /sys/fs/cgroup (v1 memory/, or v2 with memory in cgroup.subtree_control); leave it unset');
  }
  const dir = join(controller.dir, `headcount-bench-${process.pid}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, controller.limitFile), String(bytes));
  } catch (err) {
    removeGroup(dir);
    throw new Error(`BENCH_COLLECTOR_MEMORY: cannot make a memory cgroup in ${controller.dir} (${err.code ?? err.message}: it needs root and a writable cgroup tree); leave it unset`);
  }
  const procs = join(dir, 'cgroup.procs');
  const command = (args) => ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', procs, process.execPath, ...args]];
  return {
    command,
    remove: () => removeGroup(dir),
  };
}

/** Deletes a group (never made, or empty); one still holding a process is freed by the kernel with the last one. */
function removeGroup(dir) {
  try {
    rmdirSync(dir);
  } catch {
    // Not there, or a process still in it.
  }
}

/** The heap limit (MB) V8 chooses for `node` started by `command` with `flags`, as the collector is. */
export function heapLimitMb(command = plainNode, flags = []) {
  const [file, args] = command([...flags, '-p', "Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576)"]);
  return Number(execFileSync(file, args, { encoding: 'utf8' }).trim());
}
