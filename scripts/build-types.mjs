// Emits each package's .d.ts with tsc, in dependency order (rollup builds the JavaScript).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
for (const pkg of ['schema', 'browser', 'react', 'collector']) {
  execFileSync(process.execPath, [tsc, '-p', `packages/${pkg}/tsconfig.build.json`], { stdio: 'inherit' });
}
