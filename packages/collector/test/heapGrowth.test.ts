import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, heapGrowthFlag } from '../src/heapGrowth';
import { backends, createScratchDatabase } from './support/databases';

const GB = 1024 ** 3;
const FLAG = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;

describe('heapGrowthFlag', () => {
  it('bounds the growth on a machine whose heap limit lets V8 grow past 1.5×', () => {
    expect(heapGrowthFlag({ flags: [''], heapLimitBytes: 4.05 * GB })).toBe(FLAG);
    expect(heapGrowthFlag({ flags: ['--enable-source-maps'], heapLimitBytes: 1.02 * GB })).toBe(FLAG);
    expect(heapGrowthFlag({ flags: [''], heapLimitBytes: 768 * 1024 ** 2 })).toBe(FLAG);
    expect(heapGrowthFlag({ flags: [''], heapLimitBytes: 768 * 1024 ** 2 - 1 })).toBeNull();
  });

  it('leaves a small machine to V8, whose own factor is already lower there', () => {
    expect(heapGrowthFlag({ flags: [''], heapLimitBytes: 0.51 * GB })).toBeNull();
    expect(heapGrowthFlag({ flags: [''], heapLimitBytes: 0.25 * GB })).toBeNull();
  });

  it("leaves the operator's own heap setting alone, in execArgv or NODE_OPTIONS, dashes or underscores", () => {
    for (const flags of [
      ['--max-old-space-size=512'],
      ['', '--inspect --max_old_space_size=2048'],
      ['--heap-growing-percent=20'],
      ['--max-heap-size=1024'],
      ['', '--optimize-for-size'],
      ['', '--heap_growing_percent=100'],
    ]) {
      expect(heapGrowthFlag({ flags, heapLimitBytes: 4 * GB }), flags.join(' ')).toBeNull();
    }
    // A young-generation setting is another matter: the old generation is still bounded.
    expect(heapGrowthFlag({ flags: ['--max-semi-space-size=8'], heapLimitBytes: 4 * GB })).toBe(FLAG);
  });
});

// V8's trace of each full collection names the factor it grew the old generation's limit by: "Limit: ... (4.0)".
const LIMIT_FACTOR = /\[HeapController\] Limit: .*\((\d+\.\d)\)/;

/** The heap limit V8 gives a child node started with no flags, as the children below are. */
function childHeapLimit(): number {
  const child = spawnSync(process.execPath, ['-p', 'require("node:v8").getHeapStatistics().heap_size_limit'], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return Number(child.stdout);
}

/** What a machine like this one (the children's heap limit) should get from limitHeapGrowth. */
const expectedFlag = () => heapGrowthFlag({ flags: [''], heapLimitBytes: childHeapLimit() });

/** The flag a child got from limitHeapGrowth, and the factors V8 applied at the full collections it made after. */
function factorsAfter(nodeFlags: string[] = []): { flag: string | null; factors: string[] } {
  const sourceModule = pathToFileURL(join(import.meta.dirname, 'support', 'sourceModule.mjs')).href;
  const script = `
    const { importSource } = await import(${JSON.stringify(sourceModule)});
    const { limitHeapGrowth } = await importSource('packages/collector/src/heapGrowth.ts');
    const flag = limitHeapGrowth();
    console.log('FLAG ' + JSON.stringify(flag));
    const live = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200000; i++) live.push({ i, text: 'event ' + i });
      gc();
    }
    console.log('END ' + live.length);`;
  const child = spawnSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', ...nodeFlags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(child.status, child.stderr).toBe(0);
  const lines = child.stdout.split('\n');
  const from = lines.findIndex((line) => line.startsWith('FLAG '));
  expect(from, child.stdout.slice(-2000)).toBeGreaterThanOrEqual(0);
  const factors = lines.slice(from).flatMap((line) => LIMIT_FACTOR.exec(line)?.[1] ?? []);
  expect(factors.length, 'full collections traced').toBeGreaterThanOrEqual(3);
  return { flag: JSON.parse(lines[from]!.slice('FLAG '.length)) as string | null, factors };
}

describe('limitHeapGrowth', () => {
  it('sets the factor V8 applies at every full collection after the process started', () => {
    const expected = expectedFlag();
    const limited = factorsAfter();
    expect(limited.flag).toBe(expected);
    // Where the machine is too small for the bound (V8's own factor is lower there), V8's own is left.
    if (expected !== null) expect(new Set(limited.factors)).toEqual(new Set([(1 + HEAP_GROWING_PERCENT / 100).toFixed(1)]));
    else expect(limited.factors).not.toContain((1 + HEAP_GROWING_PERCENT / 100).toFixed(1));
  });

  it("changes nothing when the operator started node with their own setting", () => {
    const own = factorsAfter(['--heap-growing-percent=20']);
    expect(own.flag).toBeNull();
    expect(new Set(own.factors)).toEqual(new Set(['1.2']));
  });
});

describe('headcount serve', () => {
  const cli = join(import.meta.dirname, 'support', 'sourceCli.mjs');

  /**
   * The `collector listening` log line of `headcount serve` started with NODE_OPTIONS, on a scratch PostgreSQL database
   * where there is one (it starts faster), else on a fresh embedded one.
   */
  async function listeningLine(nodeOptions: string): Promise<Record<string, unknown>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'headcount-heap-'));
    const scratch = backends().includes('postgres') ? await createScratchDatabase() : null;
    const child = spawn(process.execPath, [cli, 'serve'], {
      env: { ...process.env, NODE_OPTIONS: nodeOptions, DATABASE_URL: scratch?.url ?? '', HEADCOUNT_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    try {
      return await new Promise((resolve, reject) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          const line = stderr.split('\n').find((l) => l.includes('collector listening'));
          if (line) resolve(JSON.parse(line) as Record<string, unknown>);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(null)));
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('bounds its heap growth at start and says so, unless the operator set their own heap limit', async () => {
    const [bounded, own] = await Promise.all([listeningLine(''), listeningLine('--max-old-space-size=4096')]);
    // 24 GB of memory here: a 4 GB heap limit, above the threshold.
    const expected = expectedFlag();
    if (expected !== null) expect(bounded).toMatchObject({ heap: expected });
    else expect(bounded).not.toHaveProperty('heap');
    expect(own).toHaveProperty('url');
    expect(own).not.toHaveProperty('heap');
  }, 60_000);
});
