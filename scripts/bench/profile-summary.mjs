// Summarizes what `pnpm bench` with BENCH_PROFILE=DIR collected: the collector's V8 CPU profile
// (self time by package/area, inclusive time of the ingest path's functions) and the SQL timings.
// Also runnable alone: node scripts/bench/profile-summary.mjs DIR
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pct = (part, whole) => `${((100 * part) / whole).toFixed(1)}%`.padStart(6);
const ms = (n) => `${Math.round(n).toLocaleString('en-US')} ms`.padStart(10);

/** Where a frame's code lives: an npm package, a workspace package, node's internals, or V8 itself. */
function areaOf(frame) {
  const url = frame.url || '';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ws = /packages\/([^/]+)\/dist\//.exec(url);
  if (ws) return `@headcount/${ws[1]}`;
  // A collector build elsewhere (BENCH_COLLECTOR_DIST).
  if (/\/dist\/(chunks\/server-[^/]+|cli|index)\.js$/.test(url)) return '@headcount/collector';
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node internals').replace(/^node:/, 'node:');
  if (!url) {
    if (frame.functionName.startsWith('(')) return frame.functionName;
    return `native ${frame.functionName || '(anonymous)'}`;
  }
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

const nameOf = (frame) => {
  const file = (frame.url || '').split('/').pop();
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
};

/** Whether `at` (µs on the monotonic clock) is inside `window` ([startUs, endUs]) or one of `windows`; with neither, always. */
function within({ window, windows }) {
  const list = windows ?? (window ? [window] : null);
  return (at) => !list || list.some(([start, end]) => at >= start && at <= end);
}

/**
 * Self time by area and function, and inclusive time of the ingest path, of the samples inside
 * `window` or `windows` (see `within`; the whole profile without them). `events` adds a µs-per-event column.
 */
export function summarizeCpuProfile(file, log, { top = 25, window, windows, events, title } = {}) {
  const inside = within({ window, windows });
  const profile = readProfile(file);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const area = new Map();
  const inclusive = new Map();
  let total = 0;
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (!inside(at)) return;
    const node = byId.get(id);
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    const selfName = nameOf(node.callFrame);
    self.set(selfName, (self.get(selfName) ?? 0) + dt);
    const a = areaOf(node.callFrame);
    area.set(a, (area.get(a) ?? 0) + dt);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur).callFrame;
      if (frame.functionName === '(root)') continue;
      const key = nameOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const perEvent = (v) => (events ? `${((v * 1000) / events).toFixed(1).padStart(7)} µs/ev` : '');
  log(`CPU profile of the collector${title ? `, ${title}` : ''} (${file.split('/').pop()})`);
  log(`  sampled ${ms(total)}: on-CPU ${ms(busy)} (${pct(busy, total).trim()}), idle ${ms(idle)}${events ? `; ${events.toLocaleString('en-US')} events` : ''}`);
  log('  self time by area (% of on-CPU):');
  for (const [k, v] of [...area].sort((a, b) => b[1] - a[1]).slice(0, 16)) log(`    ${ms(v)} ${pct(v, busy)} ${perEvent(v)}  ${k}`);
  log('  self time by function:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) log(`    ${ms(v)} ${pct(v, busy)} ${perEvent(v)}  ${k}`);
  log('  inclusive time, ingest path (% of on-CPU):');
  const interesting = /^(readJsonBody|ingestEvents|eventsOf|withBatchDefaults|validateEvent|jsonBytes|normalizeEvent|writeEvents|summarizeSessions|landingOf|parseDevice|attribute|insert|upsert|placeInferred|parse|stringify|write|json|send|parserOnHeadersComplete|parserOnIncoming|onStreamRead|handle|next|processTicksAndRejections|listOnTimeout|getResult|_handleDataRow|parseRow|handleRequest|createRecordsetReader|prepareValue|toPostgres|submit|flush|transaction|readStream|onData|emit|rawBody|read|getRawBody|done|handleCommandComplete|\(garbage collector\))\b/;
  for (const [k, v] of [...inclusive].filter(([k]) => interesting.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    log(`    ${ms(v)} ${pct(v, busy)} ${perEvent(v)}  ${k}`);
  }
}

const profiles = new Map();
function readProfile(file) {
  if (!profiles.has(file)) profiles.set(file, JSON.parse(readFileSync(file, 'utf8')));
  return profiles.get(file);
}

/** Statement and commit timings (and event-loop utilisation) inside `window` or `windows`, as the collector saw them. */
export function summarizeSqlTimings(file, log, { window, windows, title } = {}) {
  const t = JSON.parse(readFileSync(file, 'utf8'));
  const inside = within({ window, windows });
  log(`SQL as the collector saw it${title ? `, ${title}` : ''} (wall time, lock and pool waits included; commits in flight overlap, as many as ingest runs at once)`);
  // Samples are cumulative [at, idle, active]: add up the steps whose both ends are inside.
  let idle = 0;
  let active = 0;
  t.eventLoop.forEach(([at, i1, a1], k) => {
    const previous = t.eventLoop[k - 1];
    if (!previous || !inside(previous[0]) || !inside(at)) return;
    idle += i1 - previous[1];
    active += a1 - previous[2];
  });
  if (idle + active > 0) log(`  collector event-loop utilisation: ${((100 * active) / (active + idle)).toFixed(1)}%`);
  const tx = t.transactions.filter(([at]) => inside(at));
  if (tx.length > 0) {
    const sum = (k) => tx.reduce((acc, r) => acc + r[k], 0) / tx.length;
    const totals = tx.map((r) => r[1] + r[2] + r[3]).sort((a, b) => a - b);
    log(`  ${tx.length.toLocaleString('en-US')} group commits: avg ${(sum(1) + sum(2) + sum(3)).toFixed(1)} ms (p50 ${totals[Math.floor(totals.length / 2)].toFixed(1)}, p99 ${totals[Math.floor(totals.length * 0.99)].toFixed(1)}) = pool+BEGIN ${sum(1).toFixed(1)} + statements ${sum(2).toFixed(1)} + COMMIT ${sum(3).toFixed(1)} ms`);
  }
  const byLabel = new Map();
  for (const [at, i, took] of t.statements) {
    if (!inside(at)) continue;
    const s = byLabel.get(i) ?? { count: 0, total: 0, max: 0 };
    s.count++;
    s.total += took;
    s.max = Math.max(s.max, took);
    byLabel.set(i, s);
  }
  for (const [i, s] of [...byLabel].sort((a, b) => b[1].total - a[1].total)) {
    log(`    ${ms(s.total)} ${String(s.count).padStart(7)} x  avg ${(s.total / s.count).toFixed(2).padStart(7)} ms  max ${Math.round(s.max).toString().padStart(5)} ms  ${t.labels[i]}`);
  }
}

/** `runs`: [{title, window or windows, events}] to summarize each measured run (or scenario) separately (else the whole profile). */
export function summarizeProfileDir(dir, log = console.log, runs = [{}]) {
  const files = readdirSync(dir).map((f) => join(dir, f));
  const cpu = files.filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const sql = join(dir, 'sql-timings.json');
  for (const run of runs) {
    if (cpu) summarizeCpuProfile(cpu, log, run);
    else log(`no .cpuprofile in ${dir}`);
    if (files.includes(sql)) summarizeSqlTimings(sql, log, run);
    log();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) summarizeProfileDir(process.argv[2] ?? '.');
