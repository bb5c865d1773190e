export const name: string;
export interface PostgresRestartOptions {
  /** `node` arguments that serve the collector (default: the built CLI, `dist/cli.js serve`). */
  command?: string[];
  clients?: number;
  intervalMs?: number;
  batchSize?: number;
  loadMs?: number;
  restarts?: number;
  downMs?: number;
  retryAfterCapMs?: number;
}
export function run(options?: PostgresRestartOptions): Promise<Record<string, unknown> & {
  generated: number; acknowledged: number; stored: number; lost: number; doubled: number; unacknowledged: number;
  answersWhileDown: { 503: number; other: number }; unavailableWithoutRetryAfter: number; retryAfterSeconds: number[];
  networkErrors: number; activeUsersAfter: number | string; collectorExited: boolean;
}>;
