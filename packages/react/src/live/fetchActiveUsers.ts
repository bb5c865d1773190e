import { ActiveUsersError } from './activeUsersState';
import type { LiveEnvironment } from './liveEnvironment';
import { parseActiveUsers } from './parseActiveUsers';

export type FetchActiveUsersResult =
  | { ok: true; count: number }
  | { ok: false; error: ActiveUsersError; fatal: boolean; retryAfterMs: number };

/** A 4xx means the request itself is wrong (bad write key, disallowed origin, wrong host): asking again will not help. */
function isFatalStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}

function retryAfterMs(header: string | null): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

async function errorFrom(response: Response): Promise<ActiveUsersError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') return new ActiveUsersError(code, message, response.status);
  } catch {
    // Not the collector's JSON error (a proxy page, say): fall through to a generic one.
  }
  return new ActiveUsersError(`http_${response.status}`, `The collector answered HTTP ${response.status}.`, response.status);
}

/** `GET /v1/active` once; never rejects, and gives up after `timeoutMs` so a hung request cannot stall the poll loop. */
export async function fetchActiveUsers(env: LiveEnvironment, url: string, timeoutMs: number): Promise<FetchActiveUsersResult> {
  if (!env.fetch) {
    const error = new ActiveUsersError('unsupported', 'This browser has neither EventSource nor fetch.');
    return { ok: false, error, fatal: true, retryAfterMs: 0 };
  }
  const controller = env.AbortController ? new env.AbortController() : undefined;
  const timer = env.setTimeout(() => controller?.abort(), timeoutMs);
  try {
    const response = await env.fetch(url, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
      ...(controller ? { signal: controller.signal } : {}),
    });
    if (!response.ok) {
      const error = await errorFrom(response);
      return { ok: false, error, fatal: isFatalStatus(response.status), retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
    }
    const count = parseActiveUsers(await response.json().catch(() => null));
    if (count === null) {
      const error = new ActiveUsersError('invalid_response', 'GET /v1/active did not answer {"activeUsers": n}.', response.status);
      return { ok: false, error, fatal: false, retryAfterMs: 0 };
    }
    return { ok: true, count };
  } catch (cause) {
    const timedOut = controller?.signal.aborted === true;
    const error = timedOut
      ? new ActiveUsersError('timeout', `GET /v1/active took longer than ${timeoutMs} ms.`)
      : new ActiveUsersError('network_error', cause instanceof Error ? cause.message : 'The collector could not be reached.');
    return { ok: false, error, fatal: false, retryAfterMs: 0 };
  } finally {
    env.clearTimeout(timer);
  }
}
