import { ActiveUsersError } from './activeUsersState';
import type { LiveEnvironment } from './liveEnvironment';
import { parseActiveUsers } from './parseActiveUsers';

export type FetchActiveUsersResult =
  | { ok: true; count: number }
  | { ok: false; error: ActiveUsersError; fatal: boolean; retryAfterMs: number };

const failed = (error: ActiveUsersError, fatal = false, retryAfterMs = 0): FetchActiveUsersResult => ({ ok: false, error, fatal, retryAfterMs });

/** The collector's `{"error":{code,message}}`, or a generic error for anything else (a proxy's page, say). */
async function errorFrom(response: Response): Promise<ActiveUsersError> {
  const { code, message } = ((await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null)?.error ?? {};
  const { status } = response;
  const theirs = typeof code === 'string' && typeof message === 'string';
  return new ActiveUsersError(theirs ? code : `http_${status}`, theirs ? message : `HTTP ${status}`, status);
}

/** `GET /v1/active` once; never rejects, and gives up after `timeoutMs` so a hung request cannot stall the poll loop. */
export async function fetchActiveUsers(env: LiveEnvironment, url: string, timeoutMs: number): Promise<FetchActiveUsersResult> {
  if (!env.fetch) return failed(new ActiveUsersError('unsupported', 'no EventSource nor fetch in this browser'), true);
  const controller = env.AbortController && new env.AbortController();
  const timer = env.setTimeout(() => controller?.abort(), timeoutMs);
  try {
    // The collector answers no-store, and a cross-origin fetch sends no cookies by default.
    const response = await env.fetch(url, { signal: controller?.signal ?? null });
    const { status } = response;
    if (!response.ok) {
      // A 4xx means the request itself is wrong (bad write key, disallowed origin): asking again will not help.
      const fatal = status >= 400 && status < 500 && status !== 408 && status !== 429;
      return failed(await errorFrom(response), fatal, Number(response.headers.get('retry-after')) * 1000 || 0);
    }
    const count = parseActiveUsers(await response.json().catch(() => null));
    return count === null
      ? failed(new ActiveUsersError('invalid_response', 'not an active users count', status))
      : { ok: true, count };
  } catch (cause) {
    return failed(controller?.signal.aborted
      ? new ActiveUsersError('timeout', `no answer within ${timeoutMs} ms`)
      : new ActiveUsersError('network_error', String(cause)));
  } finally {
    env.clearTimeout(timer);
  }
}
