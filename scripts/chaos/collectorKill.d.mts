export const name: string;
export interface CollectorKillOptions {
  /** `node` arguments that serve the collector (default: the built CLI, `dist/cli.js serve`). */
  command?: string[];
  clients?: number;
  intervalMs?: number;
  batchSize?: number;
  loadMs?: number;
  kills?: number;
  downMs?: number;
  retryAfterCapMs?: number;
}
export function run(options?: CollectorKillOptions): Promise<Record<string, unknown> & {
  generated: number; acknowledged: number; stored: number; lost: number; doubled: number; unacknowledged: number;
  duplicatesAnswered: number; networkErrors: number; collectorExitedOnItsOwn: boolean;
}>;
