/** The public read API, as the dashboard calls it: same origin, the key in a header only. */

export interface AppSummary {
  id: string;
  name: string;
  writeKey: string;
  origins: string[];
  activeWindowSeconds: number;
  retentionDays: number | null;
  timezone: string | null;
}

export interface Credentials {
  /** An app's secret key or the admin token; kept in memory only. */
  key: string;
  /** The app read; sent as X-Headcount-App (the admin token needs it, a secret key ignores it). */
  appId?: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export async function readJson<T>(credentials: Credentials, path: string, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${credentials.key}` };
  if (credentials.appId) headers['X-Headcount-App'] = credentials.appId;
  let res: Response;
  try {
    res = await fetch(path, { headers, signal, cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'unreachable', 'The collector cannot be reached; check that it is running.');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `The collector answered ${res.status}.`);
  }
  return body as T;
}

/** `?a=1&b=2` from the defined entries. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface Touch { type: string; source: string | null; host: string | null; url: string | null; timestamp: string }
export interface Session {
  id: string;
  anonymousId: string | null;
  userId: string | null;
  startedAt: string;
  lastSeenAt: string;
  endedAt: string | null;
  endReason: string | null;
  durationSeconds: number;
  eventCount: number;
  landingPage: string | null;
  referrer: Touch | null;
  campaign: Record<string, string | null> | null;
  clickIds: Record<string, string> | null;
  device: { browser: string | null; browserVersion: string | null; os: string | null; osVersion: string | null; type: string | null; bot: boolean } | null;
}
export interface StoredEvent {
  messageId: string;
  type: string;
  event?: string | null;
  name?: string | null;
  anonymousId: string | null;
  userId: string | null;
  sessionId: string | null;
  timestamp: string;
  properties?: Record<string, unknown> | null;
  traits?: Record<string, unknown> | null;
  context?: { page?: { path?: string; url?: string } } & Record<string, unknown>;
}
export interface Stats {
  sessions: number;
  visitors: number;
  /** Visitors were estimated from merged sketches (long ranges; about 1.6% standard error). */
  visitorsApproximate?: boolean;
  averageSessionSeconds: number;
  pageviews: number;
  bounceRate: number;
}
export interface SeriesPoint { at: string; visitors: number; sessions: number; pageviews: number; events: number }
export interface BreakdownRow { key: string | null; visitors: number; sessions: number; events: number }
