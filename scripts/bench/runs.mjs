// What every bench of `pnpm bench` shares: each headline figure is the median of BENCH_RUNS runs (default 5),
// printed with the machine's noise across them (min–max, and the median absolute deviation relative to the
// median), so a reader can tell a change from a fluke; and the checks a bench makes, which fail its exit code.

/** A positive number from the environment, or `fallback` when unset. */
export function envNumber(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${v}")`);
  return n;
}

/** How many times each bench repeats its measurement. */
export const RUNS = Math.round(envNumber('BENCH_RUNS', 5));

export const fmt = (n, digits = 0) => (Number.isFinite(n)
  ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
  : String(n));

const medianOf = (sorted) => {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};

/** Median, min, max and median absolute deviation of the finite values. */
export function spread(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, mad: NaN, relativeMad: NaN };
  const median = medianOf(sorted);
  const mad = medianOf(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b));
  return { n: sorted.length, median, min: sorted[0], max: sorted.at(-1), mad, relativeMad: median === 0 ? 0 : mad / Math.abs(median) };
}

/** `12,345 events/s (5 runs: 11,900–12,800, MAD ±2.1%)`: the median first, then the noise. */
export function figure(values, { digits = 0, unit = '' } = {}) {
  const s = spread(values);
  if (s.n === 0) return 'n/a';
  if (s.n === 1) return `${fmt(s.median, digits)}${unit} (1 run: no noise figure)`;
  return `${fmt(s.median, digits)}${unit} (${s.n} runs: ${fmt(s.min, digits)}–${fmt(s.max, digits)}, MAD ±${(100 * s.relativeMad).toFixed(1)}%)`;
}

/** Prints rows as an aligned table (first column left, the rest right). */
export function table(rows, log = (line) => process.stdout.write(`${line}\n`)) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  log(line(rows[0]));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) log(line(r));
}

/**
 * The headline block every bench ends with: one line per figure, each the median of its runs with the noise.
 * `figures`: [[label, values, { digits, unit }]].
 */
export function headline(title, figures, log = (line) => process.stdout.write(`${line}\n`)) {
  log('');
  log(`${title} — median of the runs (min–max across them; MAD: median absolute deviation ÷ median)`);
  const width = Math.max(...figures.map(([label]) => label.length));
  for (const [label, values, options] of figures) log(`  ${label.padEnd(width)}  ${figure(values, options)}`);
}

/**
 * The correctness checks a bench makes: `expect(ok, message)` records a failure; `report()` prints each
 * and sets the process's exit code, so `pnpm bench` fails when any check did. Timings are never checked.
 */
export function createChecks(log = (line) => process.stdout.write(`${line}\n`)) {
  const failures = [];
  let passed = 0;
  return {
    expect(ok, message) {
      if (ok) passed++;
      else failures.push(message);
      return ok;
    },
    get failed() {
      return failures.length > 0;
    },
    report(summary = '') {
      // A check repeated in every run says so once, with how many times it failed.
      const times = new Map();
      for (const f of failures) times.set(f, (times.get(f) ?? 0) + 1);
      for (const [f, n] of times) log(`FAILED: ${f}${n > 1 ? ` (${n} times)` : ''}`);
      if (failures.length > 0) process.exitCode = 1;
      else log(`checks: ${passed} passed${summary ? `: ${summary}` : ''}`);
      return failures.length === 0;
    },
  };
}
