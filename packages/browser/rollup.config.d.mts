// Types of rollup.config.mjs for the tests that build the script-tag bundles with rollup's JS API.
import type { OutputOptions, Plugin, RollupOptions } from 'rollup';

export declare function reportSize(): Plugin;
export declare const iife: RollupOptions & { output: OutputOptions };
export declare const liveIife: RollupOptions & { output: OutputOptions };
declare const config: RollupOptions[];
export default config;
