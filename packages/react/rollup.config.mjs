// @headcount/react's npm build: ESM + CJS; react, react/jsx-runtime and @headcount/browser stay external (peers).
import { fileURLToPath } from 'node:url';
import { libraryBuild } from '../../scripts/rollup-library.mjs';

// Resolved from this file so the build works from any working directory (the build test runs it too).
const pkgDir = fileURLToPath(new URL('.', import.meta.url));

export default [libraryBuild(pkgDir, { index: 'src/index.ts' })];
