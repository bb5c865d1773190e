export interface PostgresCluster {
  /** Superuser `root` (trust) on database `postgres`. */
  url: string;
  port: number;
  stop(mode?: 'immediate' | 'fast' | 'smart'): Promise<void>;
  start(): Promise<void>;
  log(): string;
  dispose(): Promise<void>;
}
export function startPostgresCluster(): Promise<PostgresCluster>;
