import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Tests import sibling packages from src through the "@headcount/source" export condition: no build needed.
const conditions = ['@headcount/source', 'module', 'browser', 'development|production'];
const ssrConditions = ['@headcount/source', 'module', 'node', 'development|production'];

function project(name: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration {
  return {
    resolve: { conditions },
    ssr: { resolve: { conditions: ssrConditions, externalConditions: ['@headcount/source'] } },
    test: { name, ...test },
  };
}

export default defineConfig({
  test: {
    // Two test files at a time: by default Vitest ran one at a time on the 2-CPU machine, while most files spend
    // their time waiting on PostgreSQL, child processes, timers or Chromium, not on a CPU.
    maxWorkers: 2,
    projects: [
      project('schema', { include: ['packages/schema/src/**/__tests__/**/*.test.ts'], environment: 'node' }),
      project('browser', { include: ['packages/browser/src/**/__tests__/**/*.test.ts', 'packages/browser/test/**/*.test.ts'], environment: 'node' }),
      project('react', { include: ['packages/react/src/**/__tests__/**/*.test.{ts,tsx}', 'packages/react/test/**/*.test.{ts,tsx}'], environment: 'node' }),
      project('dashboard', { include: ['packages/dashboard/src/**/__tests__/**/*.test.ts', 'packages/dashboard/test/**/*.test.ts'], environment: 'node' }),
      project('collector', {
        include: ['packages/collector/src/**/__tests__/**/*.test.ts', 'packages/collector/test/**/*.test.ts'],
        environment: 'node',
        testTimeout: 30_000,
        hookTimeout: 60_000,
      }),
      project('e2e', {
        include: ['e2e/**/*.spec.ts'],
        environment: 'node',
        testTimeout: 120_000,
        hookTimeout: 180_000,
        // One spec at a time, after the other projects' files (Vitest runs a one-worker project last): the kiosk specs
        // measure idle time in real Chromium, and beside other files on two CPUs their sessions ended late.
        fileParallelism: false,
      }),
    ],
  },
});
