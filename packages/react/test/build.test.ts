// Builds the package with its real rollup config and checks that neither React nor the SDK ends up inside:
// the live connection is imported from @headcount/browser/live (shared with <headcount-live>), never bundled.
import { gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';
import { type OutputChunk, type RollupOptions, type OutputOptions, rollup, type RollupLog } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';

/** Minified + gzipped budget (what an app ships): the package is a thin layer over React and two endpoints. */
const MIN_GZIP_BUDGET_BYTES = 3.5 * 1024;

const FOREIGN_CODE = [
  '__SECRET_INTERNALS', // React's internals object (17/18)
  '__CLIENT_INTERNALS', // React 19's
  'react.production',
  'react.development',
  'react.transitional.element', // the element $$typeof symbol React's createElement/jsx stamps
  'Symbol.for("react.element")',
  'useSyncExternalStore$1', // a bundled shim or copy
  '/v1/batch', // the SDK's ingest endpoint
  'sendBeacon', // the SDK's unload transport
  "'@headcount/browser'", // the SDK's main entry: its type import must be erased, not bundled or required
  'new EventSource', // the live connection lives in @headcount/browser/live, shared with <headcount-live>
];

/** What the package imports: its peers, and of the SDK only the live-count entry (no SDK code). */
const IMPORTS = ['@headcount/browser/live', 'react', 'react/jsx-runtime'];

const built = new Map<string, OutputChunk>();
let minifiedEsm = '';
const warnings: RollupLog[] = [];

beforeAll(async () => {
  const { default: configs } = (await import('../rollup.config.mjs')) as { default: RollupOptions[] };
  expect(configs).toHaveLength(1);
  const config = configs[0]!;
  const bundle = await rollup({ ...config, onwarn: (warning) => warnings.push(warning) });
  try {
    for (const output of [config.output].flat() as OutputOptions[]) {
      const { output: files } = await bundle.generate(output);
      const entry = files.find((file): file is OutputChunk => file.type === 'chunk' && file.isEntry);
      if (!entry) throw new Error(`no entry chunk for format ${output.format}`);
      expect(files.filter((file) => file.type === 'chunk')).toHaveLength(1);
      built.set(String(output.format), entry);
    }
    const esm = [config.output].flat().find((output) => output?.format === 'es') as OutputOptions;
    const { output: minified } = await bundle.generate({ ...esm, plugins: [terser()] });
    minifiedEsm = minified[0].code;
  } finally {
    await bundle.close();
  }
  for (const [format, chunk] of built) {
    const bytes = Buffer.byteLength(chunk.code);
    console.log(`@headcount/react dist/${chunk.fileName} (${format}): ${bytes} B raw, ${gzipSync(chunk.code).length} B gzip`);
  }
  console.log(`@headcount/react ESM minified: ${Buffer.byteLength(minifiedEsm)} B, ${gzipSync(minifiedEsm).length} B gzip`);
}, 120_000);

describe('rollup build of @headcount/react', () => {
  it('emits ESM and CJS entries', () => {
    expect([...built.keys()].sort()).toEqual(['cjs', 'es']);
    expect(built.get('es')?.fileName).toBe('index.js');
    expect(built.get('cjs')?.fileName).toBe('index.cjs');
  });

  it('ESM imports react, react/jsx-runtime and @headcount/browser/live instead of bundling them, and nothing else', () => {
    const esm = built.get('es')!;
    expect([...esm.imports].sort()).toEqual(IMPORTS);
    expect(esm.code).toMatch(/from ['"]react['"]/);
    expect(esm.code).toMatch(/from ['"]react\/jsx-runtime['"]/);
  });

  it('CJS requires react, react/jsx-runtime and @headcount/browser/live', () => {
    const cjs = built.get('cjs')!;
    expect([...cjs.imports].sort()).toEqual(IMPORTS);
    expect(cjs.code).toMatch(/require\(['"]react['"]\)/);
    expect(cjs.code).toMatch(/require\(['"]react\/jsx-runtime['"]\)/);
  });

  it('contains no React or SDK code', () => {
    for (const chunk of built.values()) {
      for (const marker of FOREIGN_CODE) expect(chunk.code, `${chunk.fileName} contains ${marker}`).not.toContain(marker);
      expect(chunk.code).not.toMatch(/function (createElement|jsxs?|useSyncExternalStore)\b/);
    }
  });

  it('exports the public API', () => {
    expect([...built.get('es')!.exports].sort()).toEqual([
      'ActiveUsers',
      'ActiveUsersError',
      'HeadcountProvider',
      'useActiveUsers',
      'useHeadcount',
    ]);
  });

  it('builds without warnings (sibling packages whose .d.ts is not built yet aside)', () => {
    // The root build runs rollup before tsc emits declarations, so siblings' types may be missing here.
    const missingSiblingTypes = /TS(2307|7016).*'@headcount\/(browser|schema)'/;
    const unexpected = warnings.filter((warning) => !missingSiblingTypes.test(warning.message));
    expect(unexpected.map((warning) => warning.message)).toEqual([]);
  });

  it('stays small', () => {
    expect(gzipSync(minifiedEsm).length).toBeLessThan(MIN_GZIP_BUDGET_BYTES);
  });

  it('touches no browser global at module level (SSR-safe import)', () => {
    const topLevel = built.get('es')!.code.split('\n').filter((line) => !/^\s/.test(line));
    for (const line of topLevel) expect(line).not.toMatch(/\b(window|document|EventSource|fetch)\b\s*[.(]/);
  });
});
