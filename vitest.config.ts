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
        fileParallelism: false,
      }),
    ],
  },
});
