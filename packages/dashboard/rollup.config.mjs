// The dashboard as static files the collector serves at /dashboard: index.html, dashboard.js (React and uPlot
// bundled, production mode), dashboard.css (uPlot's sheet and ours). Prints raw and gzip sizes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const dir = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(join(dir, 'package.json'));

/** Emits the page and the style sheet beside the script, and reports the sizes a first load costs. */
function staticFiles() {
  return {
    name: 'dashboard-static-files',
    generateBundle(_options, bundle) {
      const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8') + readFileSync(join(dir, 'src/styles/dashboard.css'), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'dashboard.css', source: css });
      this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync(join(dir, 'src/index.html'), 'utf8') });
      const js = bundle['dashboard.js'];
      if (js && js.type === 'chunk') {
        const size = (text) => `${text.length} bytes raw, ${gzipSync(text, { level: 9 }).length} gzip -9`;
        console.log(`dashboard.js: ${size(js.code)}; dashboard.css: ${size(css)}`);
      }
    },
  };
}

export default [
  {
    input: join(dir, 'src/main.tsx'),
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      nodeResolve({ browser: true, rootDir: dir, extensions: ['.tsx', '.ts', '.mjs', '.js'] }),
      commonjs(),
      typescript({
        tsconfig: join(dir, 'tsconfig.json'),
        compilerOptions: { noEmit: false, declaration: false, outDir: undefined },
        include: [join(dir, 'src/**/*.ts'), join(dir, 'src/**/*.tsx')],
        noEmitOnError: true,
      }),
      terser({ format: { comments: false } }),
      staticFiles(),
    ],
    output: { file: join(dir, 'dist/dashboard.js'), format: 'es' },
  },
];
