export interface FuzzFigures {
  requests: number;
  statuses: Record<string, number>;
  responses5xx: number;
  events: number;
  stored: number;
  deadLettered: number;
  lost: number;
  doubled: number;
  unexpected: number;
  p99Ms: number;
  problems: string[];
}
export function fuzzCollector(options: {
  url: string;
  apps: Array<{ writeKey: string; secretKey: string }>;
  seed?: number;
  requests?: number;
  wave?: number;
}): Promise<FuzzFigures>;
