export interface PostgresCluster {
  /** Superuser `root` (trust) on database `postgres`. */
  url: string;
  port: number;
  stop(mode?: 'immediate' | 'fast' | 'smart'): Promise<void>;
  start(): Promise<void>;
  log(): string;
  /** A streaming hot standby of this cluster in the same temp dir; `dispose()` stops it too. */
  startReplica(): Promise<PostgresReplica>;
  dispose(): Promise<void>;
}
export interface PostgresReplica {
  /** Superuser `root` (trust) on database `postgres`, read-only. */
  url: string;
  port: number;
  log(): string;
}
export function startPostgresCluster(): Promise<PostgresCluster>;
