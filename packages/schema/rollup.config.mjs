import { libraryBuild } from '../../scripts/rollup-library.mjs';

export default [libraryBuild('packages/schema', { index: 'src/index.ts' })];
