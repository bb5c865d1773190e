import { type ActiveUsersError, type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from './activeUsersState';
import type { ActiveUsersEndpoints } from './activeUsersEndpoints';
import { backoffDelay, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff';
import { fetchActiveUsers } from './fetchActiveUsers';
import type { LiveEnvironment } from './liveEnvironment';
import { parseActiveUsers } from './parseActiveUsers';

export interface ConnectionTuning {
  /** Period of `GET /v1/active` in the polling fallback. */
  pollIntervalMs: number;
  /** Consecutive stream failures (without a message in between) before falling back to polling. */
  maxStreamFailures: number;
  /** A stream that says nothing this long after opening counts as failed (the collector sends the count on connect). */
  firstMessageTimeoutMs: number;
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
  streamRetryMs: 5 * 60_000,
  requestTimeoutMs: 10_000,
  backoff: DEFAULT_BACKOFF,
};

const EVENT_SOURCE_CLOSED = 2;

type Mode = 'idle' | 'stream' | 'polling' | 'stopped';

/**
 * One app's live count. Server-Sent Events first, reconnecting with backoff and jitter;
 * polling `GET /v1/active` when EventSource is missing or the stream keeps failing (and
 * trying the stream again now and then); stopping for good on an error retrying cannot fix.
 */
export class ActiveUsersConnection {
  private state: ActiveUsersState = UNKNOWN_ACTIVE_USERS;
  private readonly listeners = new Set<() => void>();
  private readonly tuning: ConnectionTuning;
  private mode: Mode = 'idle';
  private stream: EventSource | null = null;
  /** Pending stream reconnection (after a failure) or probe (while polling). */
  private streamTimer: unknown;
  private watchdog: unknown;
  private pollTimer: unknown;
  /** Bumped whenever polling stops, so an answer from an abandoned poll loop is ignored. */
  private pollLoop = 0;
  private failures = 0;

  constructor(
    private readonly endpoints: ActiveUsersEndpoints,
    private readonly env: LiveEnvironment,
    tuning: Partial<ConnectionTuning> = {},
  ) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
  }

  readonly getState = (): ActiveUsersState => this.state;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  start(): void {
    if (this.mode !== 'idle') return;
    if (this.env.EventSource) {
      this.mode = 'stream';
      this.openStream();
    } else {
      this.startPolling();
    }
  }

  close(): void {
    this.mode = 'stopped';
    this.closeStream();
    this.stopPolling();
    this.env.clearTimeout(this.streamTimer);
  }

  private openStream(): void {
    const Source = this.env.EventSource;
    if (!Source) return;
    let stream: EventSource;
    try {
      stream = new Source(this.endpoints.stream);
    } catch {
      // Only a malformed URL throws here; polling will report what the collector (or the network) says about it.
      if (this.mode === 'stream') this.startPolling();
      return;
    }
    this.stream = stream;
    stream.addEventListener('active', (event) => this.onStreamMessage(stream, event));
    stream.addEventListener('error', () => this.onStreamError(stream, false));
    this.armWatchdog(stream);
  }

  private armWatchdog(stream: EventSource): void {
    this.env.clearTimeout(this.watchdog);
    // Silence after connecting usually means a proxy buffers the stream, which is as good as no stream.
    this.watchdog = this.env.setTimeout(() => this.onStreamError(stream, true), this.tuning.firstMessageTimeoutMs);
  }

  private closeStream(): void {
    this.env.clearTimeout(this.watchdog);
    this.stream?.close();
    this.stream = null;
  }

  private onStreamMessage(stream: EventSource, event: MessageEvent): void {
    if (stream !== this.stream) return;
    const count = parseActiveUsers(event.data);
    if (count === null) return;
    this.env.clearTimeout(this.watchdog);
    this.failures = 0;
    if (this.mode === 'polling') {
      this.stopPolling();
      this.mode = 'stream';
    }
    this.setState({ count, status: 'live', error: null });
  }

  private onStreamError(stream: EventSource, silent: boolean): void {
    if (stream !== this.stream) return;
    if (this.mode === 'polling') {
      // A probe failed: keep polling, try the stream again later.
      this.closeStream();
      this.scheduleStreamProbe();
      return;
    }
    this.failures += 1;
    if (this.failures >= this.tuning.maxStreamFailures) {
      this.closeStream();
      this.startPolling();
      return;
    }
    this.setState({ ...this.state, status: 'connecting' });
    if (!silent && stream.readyState !== EVENT_SOURCE_CLOSED) {
      // The connection dropped and EventSource is already retrying by itself; just watch that retry.
      this.armWatchdog(stream);
      return;
    }
    // EventSource gives up for good on a non-200 answer and cannot tell why: retry ourselves, and ask the JSON endpoint.
    this.closeStream();
    void this.diagnoseStreamFailure();
    const delay = backoffDelay(this.failures - 1, this.tuning.backoff, this.env.random);
    this.streamTimer = this.env.setTimeout(() => this.openStream(), delay);
  }

  /** `GET /v1/active` can say what the stream could not (401 invalid_write_key), and gives a count meanwhile. */
  private async diagnoseStreamFailure(): Promise<void> {
    const result = await fetchActiveUsers(this.env, this.endpoints.snapshot, this.tuning.requestTimeoutMs);
    // Once the stream is back (or the connection closed) it knows better than this older answer.
    if (this.mode !== 'stream' || this.state.status === 'live') return;
    if (result.ok) this.setState({ ...this.state, count: result.count });
    else if (result.fatal) this.fail(result.error);
    else this.setState({ ...this.state, error: result.error });
  }

  private startPolling(): void {
    this.mode = 'polling';
    this.setState({ ...this.state, status: 'polling' });
    const loop = ++this.pollLoop;
    void this.poll(loop);
    this.scheduleStreamProbe();
  }

  private stopPolling(): void {
    this.pollLoop += 1;
    this.env.clearTimeout(this.pollTimer);
  }

  private async poll(loop: number): Promise<void> {
    const result = await fetchActiveUsers(this.env, this.endpoints.snapshot, this.tuning.requestTimeoutMs);
    if (loop !== this.pollLoop) return;
    if (result.ok) {
      this.setState({ count: result.count, status: 'polling', error: null });
    } else if (result.fatal) {
      this.fail(result.error);
      return;
    } else {
      this.setState({ ...this.state, error: result.error });
    }
    const delay = result.ok ? this.tuning.pollIntervalMs : Math.max(this.tuning.pollIntervalMs, result.retryAfterMs);
    this.pollTimer = this.env.setTimeout(() => void this.poll(loop), delay);
  }

  private scheduleStreamProbe(): void {
    if (!this.env.EventSource) return;
    this.env.clearTimeout(this.streamTimer);
    this.streamTimer = this.env.setTimeout(() => this.openStream(), this.tuning.streamRetryMs);
  }

  private fail(error: ActiveUsersError): void {
    this.close();
    this.setState({ count: null, status: 'error', error });
  }

  private setState(next: ActiveUsersState): void {
    const previous = this.state;
    if (previous.count === next.count && previous.status === next.status && previous.error === next.error) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
