// Where the machine's CPU goes during a measured run (Linux /proc; elsewhere it reports nothing):
// the collector process, the PostgreSQL backends of the bench database, the rest of PostgreSQL
// (WAL writer, checkpointer, autovacuum, other databases), the load generator, and the machine as a whole.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 (1-based) of stat; fields[] starts at field 3.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** CPU seconds a process has used so far (Linux), or null. */
export function cpuSecondsOf(pid) {
  const ticks = processTicks(pid);
  return ticks === null ? null : ticks / TICKS;
}

function postgresPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function machine() {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu;
  return { busy: user + nice + system + irq + softirq, irq: irq + softirq, idle: idle + iowait, iowait, steal: steal ?? 0 };
}

export const cpuAccountingAvailable = (() => {
  try {
    readFileSync('/proc/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Starts a measurement; `end(ourBackendPids)` returns CPU seconds per part and the wall time. */
export function startCpu(collectorPid) {
  if (!cpuAccountingAvailable) return { end: () => null };
  const t0 = process.hrtime.bigint();
  const self0 = process.cpuUsage();
  const collector0 = processTicks(collectorPid) ?? 0;
  const pg0 = new Map(postgresPids().map((pid) => [pid, processTicks(pid) ?? 0]));
  const m0 = machine();
  return {
    end(ourBackendPids) {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const self = process.cpuUsage(self0);
      const collector = ((processTicks(collectorPid) ?? collector0) - collector0) / TICKS;
      let ours = 0;
      let other = 0;
      for (const pid of postgresPids()) {
        const used = ((processTicks(pid) ?? 0) - (pg0.get(pid) ?? 0)) / TICKS;
        if (ourBackendPids.has(pid)) ours += used;
        else other += used;
      }
      const m1 = machine();
      const total = m1.busy + m1.idle + m1.steal - (m0.busy + m0.idle + m0.steal);
      const machineBusySeconds = (m1.busy - m0.busy) / TICKS;
      const loadGenerator = (self.user + self.system) / 1e6;
      return {
        wall,
        collector,
        postgresBackends: ours,
        postgresOther: other,
        loadGenerator,
        // Interrupt handling (loopback TCP is mostly softirq), charged to no process.
        interrupts: (m1.irq - m0.irq) / TICKS,
        // Everything else on the machine (other test suites, builds...): noise in the figures.
        otherProcesses: Math.max(0, machineBusySeconds - (m1.irq - m0.irq) / TICKS - collector - ours - other - loadGenerator),
        machineBusy: total > 0 ? (m1.busy - m0.busy) / total : 0,
        machineSteal: total > 0 ? (m1.steal - m0.steal) / total : 0,
        machineIowait: total > 0 ? (m1.iowait - m0.iowait) / total : 0,
      };
    },
  };
}
