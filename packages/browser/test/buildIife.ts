/** Builds the script-tag bundle in memory with the package's own rollup config (no prior build needed). */
import { rollup } from 'rollup';
import { iife } from '../rollup.config.mjs';

export async function buildIife(): Promise<string> {
  const bundle = await rollup({ ...iife, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(iife.output);
    return output[0].code;
  } finally {
    await bundle.close();
  }
}
