import type { RollupOptions } from 'rollup';

declare const config: RollupOptions[];
export default config;
