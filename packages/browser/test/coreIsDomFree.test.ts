import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const config = fileURLToPath(new URL('../tsconfig.core.json', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

it('src/core has no DOM types: it typechecks with lib es2020 and no ambient types', () => {
  const json = JSON.parse(readFileSync(config, 'utf8'));
  expect(json.compilerOptions.lib).toEqual(['es2020']);
  expect(json.compilerOptions.types).toEqual([]);
  // Throws with tsc's report when anything under src/core reaches for window, document, navigator, timers...
  execFileSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
}, 60_000);
