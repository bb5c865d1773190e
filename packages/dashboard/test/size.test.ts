import { gzipSync } from 'node:zlib';
import { rollup, type OutputOptions } from 'rollup';
import { expect, it } from 'vitest';
import config from '../rollup.config.mjs';

/** The first load (script and style sheet, React and uPlot included) within 110 KiB gzipped. */
const BUDGET = 110 * 1024;

it(`the dashboard's first load stays within ${BUDGET} bytes gzip -9`, async () => {
  const options = config[0]!;
  const bundle = await rollup({ ...options, onwarn: () => {} });
  try {
    const { output } = await bundle.generate(options.output as OutputOptions);
    const files = new Map(output.map((file) => [file.fileName, file.type === 'chunk' ? file.code : String(file.source)]));
    expect([...files.keys()].sort()).toEqual(['dashboard.css', 'dashboard.js', 'index.html']);
    const gzip = [...files.values()].reduce((sum, text) => sum + gzipSync(text, { level: 9 }).length, 0);
    console.log(`dashboard first load: ${gzip} bytes gzip -9 (budget ${BUDGET})`);
    expect(gzip).toBeLessThanOrEqual(BUDGET);
    // Production React only: the development build would double the size and warn in the console.
    expect(files.get('dashboard.js')).not.toContain('react-dom.development');
  } finally {
    await bundle.close();
  }
}, 180_000);
