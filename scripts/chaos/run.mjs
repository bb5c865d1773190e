#!/usr/bin/env node
// `pnpm chaos`: runs every scenario in scripts/chaos/ (each `*.mjs` here but this runner; helpers live in lib/),
// one after the other, and prints its figures. A scenario is a module exporting `name` and `async run()`
// resolving to an object of figures; it throws when its promise does not hold. The run fails when a
// scenario throws or reports a `lost` or `doubled` event.
//
//   node scripts/chaos/run.mjs [substring...]   only the scenarios whose file name contains one of them
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && file !== basename(fileURLToPath(import.meta.url)))
  .filter((file) => only.length === 0 || only.some((word) => file.includes(word)))
  .sort();

const print = (line = '') => process.stdout.write(`${line}\n`);
const show = (value) => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

let failed = 0;
for (const file of files) {
  const scenario = await import(pathToFileURL(join(here, file)).href);
  const title = scenario.name ?? file;
  if (typeof scenario.run !== 'function') {
    print(`✗ ${file}: exports no run()`);
    failed++;
    continue;
  }
  print(`▶ ${title} (${file})`);
  const started = performance.now();
  try {
    const figures = await scenario.run();
    for (const [key, value] of Object.entries(figures ?? {})) print(`    ${key.padEnd(30)} ${show(value)}`);
    const broken = ['lost', 'doubled'].filter((key) => typeof figures?.[key] === 'number' && figures[key] > 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (broken.length > 0) {
      failed++;
      print(`✗ ${title}: ${broken.map((key) => `${figures[key]} ${key}`).join(', ')} (${seconds} s)`);
    } else {
      print(`✓ ${title} (${seconds} s)`);
    }
  } catch (err) {
    failed++;
    print(`✗ ${title}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  print();
}
print(failed ? `${failed} of ${files.length} scenarios failed` : `all ${files.length} scenarios held`);
process.exit(failed ? 1 : 0);
