// Type-checks every TypeScript project of the repo (sources and tests), strict, without emitting.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = [
  'packages/schema/tsconfig.json',
  'packages/browser/tsconfig.core.json',
  'packages/browser/tsconfig.json',
  'packages/react/tsconfig.json',
  'packages/react/test/tsconfig.json',
  'packages/collector/tsconfig.json',
  'examples/spa/tsconfig.json',
  'packages/dashboard/tsconfig.json',
  'packages/dashboard/test/tsconfig.json',
  'e2e/tsconfig.json',
];
let failed = 0;
for (const project of projects) {
  try {
    execFileSync(process.execPath, [tsc, '-p', project, '--noEmit'], { stdio: 'inherit' });
  } catch {
    failed++;
    console.error(`typecheck failed: ${project}`);
  }
}
process.exit(failed ? 1 : 0);
