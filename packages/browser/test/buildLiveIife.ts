/** Builds the `<headcount-live>` script in memory with the package's own rollup config (no prior build needed). */
import { rollup } from 'rollup';
import { liveIife } from '../rollup.config.mjs';

export async function buildLiveIife(): Promise<string> {
  const bundle = await rollup({ ...liveIife, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(liveIife.output);
    return output[0].code;
  } finally {
    await bundle.close();
  }
}
