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
      walkAst(this.parse(code), (node) => {
        if (node.type == 'VariableDeclaration' && node.kind == 'const') starts.push(node.start);
      });
      let out = code;
      for (const at of starts.sort((x, y) => y - x)) out = out.slice(0, at) + 'let' + out.slice(at + 5);
      return { code: out, map: null };
    },
  };
}

/** Visits every node of an ESTree `node`, parents first; `visit(node, context)` returns the context of its children. */
function walkAst(node, visit, context) {
  if (Array.isArray(node)) return node.forEach((child) => walkAst(child, visit, context));
  if (!node || typeof node.type != 'string') return;
  const inner = visit(node, context);
  for (const key in node) if (node[key] && typeof node[key] == 'object') walkAst(node[key], visit, inner);
}

/**
 * The minified IIFE `!function(){…}();` becomes a block `{…}` (5 bytes of gzip): what it declares stays private to
 * the block, as every declaration at its top is a `let` (letBindings), which a block scopes like a function. Checked on
 * the minified code, since a block would not keep these private: a `var` or a function declaration outside every
 * function (the page would get them as globals), and `arguments`, `return` or a directive at the top fail the build.
 * `this` at the top is the global object either way (a sloppy script, and a plain call of a sloppy function).
 */
export function blockScope() {
  return {
    name: 'block-scope',
    renderChunk(code) {
      const [statement, ...rest] = this.parse(code).body;
      const call = statement?.expression?.argument;
      const fn = call?.callee;
      if (rest.length || statement?.expression?.operator != '!' || fn?.type != 'FunctionExpression' || fn.params.length || call.arguments.length)
        throw new Error('block-scope: the bundle is not one `!function(){…}()`');
      if (fn.body.body[0]?.directive) throw new Error('block-scope: a directive at the top');
      // `contained`: inside a function (vars and function declarations stay there); `own`: in a non-arrow one.
      walkAst(fn.body.body, (node, { contained, own }) => {
        const leaks =
          (!contained && ((node.type == 'VariableDeclaration' && node.kind == 'var') || node.type == 'FunctionDeclaration')) ||
          (!contained && node.type == 'ReturnStatement') ||
          (!own && node.type == 'Identifier' && node.name == 'arguments');
        if (leaks) throw new Error(`block-scope: ${code.slice(node.start, node.start + 40)}… depends on the function wrapper`);
        const isFn = /Function/.test(node.type);
        return { contained: contained || isFn, own: own || (isFn && node.type != 'ArrowFunctionExpression') };
      }, { contained: false, own: false });
      return { code: '{' + code.slice(fn.body.start + 1, fn.body.end - 1) + '}', map: null };
    },
  };
}

/**
 * Property names that only the SDK's own objects use (core ports, config, the core's own handles), so
 * renaming them is safe, and the letter each becomes. Never list an option, a data-* attribute, a status field or a
 * wire field: test/iife.test.ts runs the minified bundle and catches a mistake. A letter is never one of these names'
 * twice, nor a property name the bundle keeps (the queue item's k and e, the session record's i, s, l, a and t, the
 * stub's q, a click's x and y); which name gets which letter is what measured smallest (gzip matches the letters with
 * the code around them).
 */
const INTERNAL_PROPERTIES = {
  // core ports (CoreEnv)
  clock: 'G', mono: 'I', later: '_', rand: 'd', kv: 'r', queue: 'z', send: 'j', lock: 'Y', lockNames: 'D',
  visible: 'Z', connected: 'O', ctx: 'v', attribution: 'p', source: 'M', dnt: 'B', say: 'N',
  // key-value and queue stores
  read: 'b', write: 'c', head: 'o',
  // Config
  isKiosk: 'n', idle: 'V', maxDuration: 'L', pageviews: 'm', clicks: 'S', perBatch: 'f', interval: 'Q', cap: 'K',
  honourDnt: 'A', memory: 'T', verbose: 'w', endpoint: 'J',
  // Core
  client: 'F', input: 'C', autoPage: 'u', unload: 'H', visibility: 'h', reconnect: 'E', replay: 'P', stops: 'X',
};

// The one-letter property names the bundle keeps (see above): a renamed property must never take one of them.
const KEPT_LETTERS = ['k', 'e', 'i', 's', 'l', 'a', 't', 'q', 'x', 'y'];

if (new Set(Object.values(INTERNAL_PROPERTIES)).size < Object.keys(INTERNAL_PROPERTIES).length) throw new Error('INTERNAL_PROPERTIES: a letter used twice');
for (const [name, letter] of Object.entries(INTERNAL_PROPERTIES)) {
  if (KEPT_LETTERS.includes(letter)) throw new Error(`INTERNAL_PROPERTIES: ${name} takes '${letter}', a property name the bundle keeps`);
}

/** terser's name cache, which takes the letters above as the properties' names ('$' marks a cached property). */
const propertyNames = () => ({
  props: { props: Object.fromEntries(Object.entries(INTERNAL_PROPERTIES).map(([name, short]) => ['$' + name, short])) },
});

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
      nameCache: propertyNames(),
      mangle: {
        // Variable names as terser makes them (a letter, then letters or digits), from an alphabet in the order that
        // measured smallest rather than sorted by how often each character occurs. Self-contained: the terser plugin
        // sends its options to a worker as source text.
        nth_identifier: {
          get: (n) => {
            const order = 'enosritpdlaRZcmbh_GNIYfKQTkMXBLA$VSgyJHEjqWuUxvOwFPzDC3052471896';
            let name = '';
            let base = 54;
            n++;
            do {
              n--;
              name += order[n % base];
              n = Math.floor(n / base);
              base = 64;
            } while (n > 0);
            return name;
          },
        },
        // builtins: the listed names are ours even where a DOM interface uses the same word (check, input, hidden).
        properties: { regex: new RegExp(`^(${Object.keys(INTERNAL_PROPERTIES).join('|')})$`), builtins: true },
      },
      format: { comments: false },
    }),
    blockScope(),
    reportSize(),
  ],
  // compact: no newline after the code (3 bytes of gzip: a character used nowhere else). The code ends with the block's
  // `}`, so a file concatenated after it still starts a statement of its own.
  output: { file: join(pkgDir, 'dist/headcount.js'), format: 'iife', strict: false, compact: true },
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
