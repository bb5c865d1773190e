// @headcount/browser: ESM + CJS of `index`, `sentry` and `live` for npm, and the minified script-tag IIFEs (SDK, live element).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';
import { libraryBuild, typescriptFor } from '../../scripts/rollup-library.mjs';

const pkgDir = dirname(fileURLToPath(import.meta.url));

/** Prints raw and gzip -9 sizes of each emitted chunk (the IIFE's budget is enforced by test/size.test.ts). */
export function reportSize() {
  return {
    name: 'report-size',
    generateBundle(outputOptions, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const gzip = gzipSync(file.code, { level: 9 }).length;
        console.log(`${file.fileName}: ${file.code.length} bytes raw, ${gzip} bytes gzip -9`);
      }
    },
  };
}

/**
 * Every `const` of the bundle becomes `let`: 2 bytes each, and terser can then join neighbouring declarations
 * (it never joins a const with a let). Safe: the code never assigns to a const (TypeScript checked that),
 * and `let` has the same scoping and temporal dead zone.
 */
export function letBindings() {
  return {
    name: 'let-bindings',
    renderChunk(code) {
      const starts = [];
      const walk = (node) => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node.type != 'string') return;
        if (node.type == 'VariableDeclaration' && node.kind == 'const') starts.push(node.start);
        for (const key in node) if (node[key] && typeof node[key] == 'object') walk(node[key]);
      };
      walk(this.parse(code));
      let out = code;
      for (const at of starts.sort((x, y) => y - x)) out = out.slice(0, at) + 'let' + out.slice(at + 5);
      return { code: out, map: null };
    },
  };
}

/**
 * Property names that only the SDK's own objects use (core ports, config, the core's own handles), so
 * renaming them is safe. Never list an option, a data-* attribute, a status field or a wire field:
 * test/iife.test.ts runs the minified bundle and catches a mistake.
 */
const INTERNAL_PROPERTIES =
  /^(mono|later|kv|queue|lock|attribution|source|dnt|write|autoPage|replay|maxDuration|idle|memory|input|unload|visibility|visible|client|isKiosk|pageviews|clicks|perBatch|interval|cap|honourDnt|verbose|head|send|clock|rand|connected|ctx|say|reconnect|stops|lockNames|read)$/;

/** The script-tag build; the size test builds exactly this. */
export const iife = {
  input: join(pkgDir, 'src/iife.ts'),
  plugins: [
    typescriptFor(pkgDir),
    // Before terser, so it can also join the declarations (it never joins a const with a let).
    letBindings(),
    terser({
      ecma: 2020,
      // booleans_as_integers: true and false become 1 and 0, and a comparison with a literal becomes loose (privacy.ts's
      // `globalPrivacyControl === true` is `1==`, the same for a boolean). Safe here: no boolean literal reaches the
      // page or the wire, a check that must refuse 1 compares with a computed boolean (the acknowledgement's `ok`), and
      // the DOM converts the numbers it is given for a boolean (a listener's capture, fetch's keepalive).
      // unsafe_comps: `a < b` may be written `b > a`, and `!(a < b)` as `a >= b`, which differ only for NaN (or an object's
      // valueOf): the values compared are numbers that are never NaN (clocks, counts, lengths, statuses, options through
      // num(); the queue's count is 0 when its store failed, a session record without its times is refused when read,
      // and Retry-After's parse turns NaN into 0 with `|| 0`, not with a comparison).
      // lhs_constants: false keeps `x == "1"` rather than `"1" == x` (the same code; gzip finds more repeats).
      compress: {
        passes: 3,
        unsafe_arrows: true,
        pure_getters: true,
        booleans_as_integers: true,
        unsafe_comps: true,
        lhs_constants: false,
      },
      // builtins: the listed names are ours even where a DOM interface uses the same word (check, input, hidden).
      mangle: { properties: { regex: INTERNAL_PROPERTIES, builtins: true } },
      format: { comments: false },
    }),
    reportSize(),
  ],
  output: { file: join(pkgDir, 'dist/headcount.js'), format: 'iife', strict: false },
};

/** The live connection's own members: none is an option, attribute or wire field (e2e/liveElement.spec.ts runs the bundle). */
const LIVE_INTERNAL_PROPERTIES =
  /^(getState|subscribe|connection|subscribers|leave|follow|show|pollIntervalMs|maxStreamFailures|firstMessageTimeoutMs|expectedEveryMs|silenceMs|streamRetryMs|requestTimeoutMs|backoff|baseMs|maxMs|retryAfterMs|fatal|onWake|setTimeout|clearTimeout|snapshot|stream)$/;

/** `<headcount-live>` for any page, served by the collector at /headcount-live.js; test/liveSize.test.ts holds its budget. */
export const liveIife = {
  input: join(pkgDir, 'src/liveIife.ts'),
  plugins: [
    typescriptFor(pkgDir),
    terser({
      ecma: 2020,
      compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
      // builtins: the listed names are ours even where a DOM interface uses the same word (state, mode, stream).
      mangle: { properties: { regex: LIVE_INTERNAL_PROPERTIES, builtins: true } },
      format: { comments: false },
    }),
    reportSize(),
  ],
  output: { file: join(pkgDir, 'dist/headcount-live.js'), format: 'iife', strict: false },
};

export default [libraryBuild(pkgDir, { index: 'src/index.ts', sentry: 'src/sentry.ts', live: 'src/live.ts' }), iife, liveIife];
