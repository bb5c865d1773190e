// The `headcount` CLI run from source: what dist/cli.js does, for tests that need no build.
import { importSource } from './sourceModule.mjs';

const { main } = await importSource('packages/collector/src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
