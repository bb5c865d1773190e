// The SPA demo as the npm packages' users build it: @headcount/browser and @headcount/react from
// their dist (npm) builds, React bundled in production mode, one static dist/app.js.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const dir = fileURLToPath(new URL('.', import.meta.url));

export default [
  {
    input: join(dir, 'src/main.tsx'),
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      // Before the TypeScript plugin, so packages resolve to their published dist files, not to src.
      nodeResolve({ browser: true, rootDir: dir, dedupe: ['react', 'react-dom'], extensions: ['.tsx', '.ts', '.mjs', '.js'] }),
      commonjs(),
      typescript({
        tsconfig: join(dir, 'tsconfig.json'),
        compilerOptions: { noEmit: false, declaration: false, outDir: undefined },
        include: [join(dir, 'src/**/*.ts'), join(dir, 'src/**/*.tsx')],
        noEmitOnError: true,
      }),
      terser({ format: { comments: false } }),
    ],
    output: { file: join(dir, 'dist/app.js'), format: 'es' },
  },
];
