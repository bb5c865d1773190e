import { type ActiveUsersError, type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from './activeUsersState';
import type { ActiveUsersEndpoints } from './activeUsersEndpoints';
import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff';
import { fetchActiveUsers } from './fetchActiveUsers';
import type { LiveEnvironment, WakeReason } from './liveEnvironment';
import { parseActiveUsers } from './parseActiveUsers';

export interface ConnectionTuning {
  /** Period of `GET /v1/active` in the polling fallback. */
  pollIntervalMs: number;
  /** Consecutive stream failures (without a message in between) before falling back to polling. */
  maxStreamFailures: number;
  /** A stream that says nothing this long after opening counts as failed (the collector sends the count on connect). */
  firstMessageTimeoutMs: number;
  /** The collector sends the count at least this often, even when it does not change. */
  expectedEveryMs: number;
  /** A stream silent this long is presumed dead (a half-open connection after sleep, say) and reconnected. */
  silenceMs: number;
  /** While polling, how often to try the stream again. */
  streamRetryMs: number;
  /** Give up on one `GET /v1/active` after this long. */
  requestTimeoutMs: number;
  /** Delays between stream reconnections. */
  backoff: BackoffPolicy;
}

export const DEFAULT_TUNING: ConnectionTuning = {
  pollIntervalMs: 15_000,
  maxStreamFailures: 4,
  firstMessageTimeoutMs: 10_000,
  expectedEveryMs: 30_000,
  silenceMs: 45_000,
  streamRetryMs: 5 * 60_000,
  requestTimeoutMs: 10_000,
  backoff: DEFAULT_BACKOFF,
};

/** One app's (or one page's) live count, shared by every component and element that shows it. */
export interface ActiveUsersConnection {
  /** The same object until something changes (`useSyncExternalStore` compares references). */
  getState(): ActiveUsersState;
  subscribe(listener: () => void): () => void;
  start(): void;
  close(): void;
}

const EVENT_SOURCE_CLOSED = 2;

// Modes as numbers: they never leave this closure, and numbers minify smaller than names.
const IDLE = 0;
const STREAM = 1;
const POLLING = 2;
const STOPPED = 3;
type Mode = typeof IDLE | typeof STREAM | typeof POLLING | typeof STOPPED;

/**
 * Server-Sent Events first, reconnecting with backoff and jitter; polling `GET /v1/active` when EventSource
 * is missing or the stream keeps failing (and trying the stream again now and then); stopping for good on an
 * error retrying cannot fix. `live` means heard from within `silenceMs`: a silent stream is reconnected, and so
 * is every stream when the network comes back or the page becomes visible after a quiet spell (sleep).
 * A closure rather than a class: it is most of the 1.5 KB `<headcount-live>` script, and locals minify best.
 */
export function createActiveUsersConnection(
  endpoints: ActiveUsersEndpoints,
  env: LiveEnvironment,
  overrides: Partial<ConnectionTuning> = {},
): ActiveUsersConnection {
  const tuning: ConnectionTuning = { ...DEFAULT_TUNING, ...overrides };
  const listeners = new Set<() => void>();
  let state: ActiveUsersState = UNKNOWN_ACTIVE_USERS;
  let mode: Mode = IDLE;
  let stream: EventSource | null = null;
  /** Pending stream reconnection (after a failure) or probe (while polling). */
  let streamTimer: unknown;
  let watchdog: unknown;
  let pollTimer: unknown;
  /** Bumped whenever polling stops, so an answer from an abandoned poll loop is ignored. */
  let pollLoop = 0;
  let failures = 0;
  /** env.now() of the latest count received. */
  let heardAt = 0;
  let stopWaking: (() => void) | undefined;

  function setState(next: ActiveUsersState): void {
    if (state.count === next.count && state.status === next.status && state.error === next.error) return;
    state = next;
    for (const listener of [...listeners]) listener();
  }
  const update = (changes: Partial<ActiveUsersState>) => setState({ ...state, ...changes });

  function openStream(): void {
    const Source = env.EventSource;
    if (!Source) return;
    let opened: EventSource;
    try {
      opened = new Source(endpoints.stream);
    } catch {
      // Only a malformed URL throws here; polling will report what the collector (or the network) says about it.
      if (mode === STREAM) startPolling();
      return;
    }
    stream = opened;
    opened.addEventListener('active', (event) => onStreamMessage(opened, event));
    opened.addEventListener('error', () => onStreamError(opened, false));
    // Silence after connecting usually means a proxy buffers the stream, which is as good as no stream.
    armWatchdog(opened, tuning.firstMessageTimeoutMs);
  }

  function armWatchdog(watched: EventSource, ms: number): void {
    env.clearTimeout(watchdog);
    watchdog = env.setTimeout(() => onStreamError(watched, true), ms);
  }

  function closeStream(): void {
    env.clearTimeout(watchdog);
    stream?.close();
    stream = null;
  }

  function onStreamMessage(from: EventSource, event: MessageEvent): void {
    if (from !== stream) return;
    const count = parseActiveUsers(event.data);
    if (count === null) return;
    armWatchdog(from, tuning.silenceMs);
    heardAt = env.now();
    failures = 0;
    if (mode === POLLING) {
      stopPolling();
      mode = STREAM;
    }
    setState({ count, status: 'live', error: null });
  }

  function onStreamError(from: EventSource, silent: boolean): void {
    if (from !== stream) return;
    if (mode === POLLING) {
      // A probe failed: keep polling, try the stream again later.
      closeStream();
      return scheduleStreamProbe();
    }
    failures += 1;
    if (failures >= tuning.maxStreamFailures) {
      closeStream();
      return startPolling();
    }
    update({ status: 'connecting' });
    // The connection dropped and EventSource is already retrying by itself; just watch that retry.
    if (!silent && from.readyState !== EVENT_SOURCE_CLOSED) return armWatchdog(from, tuning.firstMessageTimeoutMs);
    // EventSource gives up for good on a non-200 answer and cannot tell why: retry ourselves, and ask the JSON endpoint.
    closeStream();
    void ask();
    streamTimer = env.setTimeout(openStream, backoffDelay(failures - 1, tuning.backoff, env.random));
  }

  /**
   * `GET /v1/active`: every `pollIntervalMs` in poll loop `loop`; without a loop, once after a stream failure,
   * because it can say what the stream could not (401 invalid_write_key) and gives a count meanwhile.
   */
  async function ask(loop?: number): Promise<void> {
    const result = await fetchActiveUsers(env, endpoints.snapshot, tuning.requestTimeoutMs);
    // An abandoned poll loop, or a stream back (or closed) that knows better than this older answer.
    if (loop === undefined ? mode !== STREAM || state.status === 'live' : loop !== pollLoop) return;
    if (!result.ok && result.fatal) return fail(result.error);
    if (result.ok) heardAt = env.now();
    update(result.ok ? { count: result.count, error: null } : { error: result.error });
    if (loop === undefined) return;
    const delay = result.ok ? tuning.pollIntervalMs : Math.max(tuning.pollIntervalMs, result.retryAfterMs);
    pollTimer = env.setTimeout(() => void ask(loop), delay);
  }

  function startPolling(): void {
    mode = POLLING;
    update({ status: 'polling' });
    void ask(++pollLoop);
    scheduleStreamProbe();
  }

  function stopPolling(): void {
    pollLoop += 1;
    env.clearTimeout(pollTimer);
  }

  function scheduleStreamProbe(): void {
    if (!env.EventSource) return;
    env.clearTimeout(streamTimer);
    streamTimer = env.setTimeout(openStream, tuning.streamRetryMs);
  }

  /** Timers slept with the page and the connection may be half-open: start over now rather than after a watchdog. */
  function onWake(reason: WakeReason): void {
    if (mode === STOPPED || mode === IDLE) return;
    if (reason === 'visible' && env.now() - heardAt < tuning.expectedEveryMs) return;
    failures = 0;
    env.clearTimeout(streamTimer);
    closeStream();
    stopPolling();
    if (!env.EventSource) return startPolling();
    mode = STREAM;
    update({ status: 'connecting' });
    openStream();
  }

  function close(): void {
    stopWaking?.();
    stopWaking = undefined;
    mode = STOPPED;
    closeStream();
    stopPolling();
    env.clearTimeout(streamTimer);
  }

  function fail(error: ActiveUsersError): void {
    close();
    setState({ count: null, status: 'error', error });
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start() {
      if (mode !== IDLE) return;
      stopWaking = env.onWake(onWake);
      if (env.EventSource) {
        mode = STREAM;
        openStream();
      } else {
        startPolling();
      }
    },
    close,
  };
}
