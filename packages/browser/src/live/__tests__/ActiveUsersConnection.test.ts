import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activeBody, FakeEventSource, invalidWriteKey, jsonResponse } from './fakes';
import { createActiveUsersConnection, DEFAULT_TUNING } from '../ActiveUsersConnection';
import { activeUsersEndpoints } from '../activeUsersEndpoints';
import type { LiveEnvironment, WakeReason } from '../liveEnvironment';

const endpoints = activeUsersEndpoints('https://collector.test/', 'wk_1');

type FetchMock = ReturnType<typeof vi.fn<(url: string) => Promise<Response>>>;

function setup(options: { eventSource?: boolean; fetch?: FetchMock } = {}) {
  const fetchMock: FetchMock = options.fetch ?? vi.fn(async () => jsonResponse(200, activeBody(7)));
  const env: LiveEnvironment = {
    EventSource: options.eventSource === false ? undefined : (FakeEventSource as unknown as typeof EventSource),
    fetch: fetchMock as unknown as typeof fetch,
    AbortController,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: () => 0.5,
    // Fake timers move Date too: a jump of the system time stands for a device that slept.
    now: () => Date.now(),
    onWake(callback) {
      wakers.add(callback);
      return () => void wakers.delete(callback);
    },
  };
  const wakers = new Set<(reason: WakeReason) => void>();
  const connection = createActiveUsersConnection(endpoints, env);
  const statuses: string[] = [];
  connection.subscribe(() => statuses.push(connection.getState().status));
  const wake = (reason: WakeReason) => {
    for (const callback of [...wakers]) callback(reason);
  };
  return { connection, fetchMock, statuses, wake, wakers };
}

/** With random() = 0.5 the n-th reconnection waits 0.75 × 1 s × 2^n. */
const reconnectDelay = (attempt: number) => 750 * 2 ** attempt;

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.reset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('ActiveUsersConnection over SSE', () => {
  it('builds the documented URLs', () => {
    expect(endpoints).toEqual({
      snapshot: 'https://collector.test/v1/active?writeKey=wk_1',
      stream: 'https://collector.test/v1/active/stream?writeKey=wk_1',
    });
  });

  it('goes connecting → live and follows every change', () => {
    const { connection } = setup();
    connection.start();
    expect(connection.getState()).toEqual({ count: null, status: 'connecting', error: null });
    expect(FakeEventSource.latest().url).toBe(endpoints.stream);

    FakeEventSource.latest().emitActive(3);
    expect(connection.getState()).toEqual({ count: 3, status: 'live', error: null });
    FakeEventSource.latest().emitActive(4);
    expect(connection.getState().count).toBe(4);
    connection.close();
  });

  it('keeps the same state object while nothing changes (useSyncExternalStore compares references)', () => {
    const { connection } = setup();
    connection.start();
    FakeEventSource.latest().emitActive(3);
    const before = connection.getState();
    FakeEventSource.latest().emitActive(3);
    expect(connection.getState()).toBe(before);
    connection.close();
  });

  it('ignores messages that are not an ActiveUsersResponse', () => {
    const { connection } = setup();
    connection.start();
    const source = FakeEventSource.latest() as unknown as { dispatch(type: string, event: unknown): void };
    source.dispatch('active', { data: 'not json' });
    source.dispatch('active', { data: '{"activeUsers":-1}' });
    expect(connection.getState().count).toBeNull();
    connection.close();
  });

  it('reconnects a refused stream itself, with growing jittered delays', async () => {
    const { connection } = setup();
    connection.start();

    for (let attempt = 0; attempt < DEFAULT_TUNING.maxStreamFailures - 1; attempt++) {
      const failed = FakeEventSource.latest();
      failed.fail(FakeEventSource.CLOSED);
      expect(failed.closed).toBe(true);
      expect(connection.getState().status).toBe('connecting');
      const created = FakeEventSource.instances.length;

      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt) - 1);
      expect(FakeEventSource.instances.length).toBe(created);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeEventSource.instances.length).toBe(created + 1);
    }
    connection.close();
  });

  it('asks GET /v1/active why the stream was refused, and shows that count meanwhile', async () => {
    const { connection, fetchMock } = setup();
    connection.start();
    FakeEventSource.latest().fail(FakeEventSource.CLOSED);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledWith(endpoints.snapshot, expect.anything());
    expect(connection.getState()).toMatchObject({ count: 7, status: 'connecting' });
    connection.close();
  });

  it('a message resets the failure count and the backoff', async () => {
    const { connection } = setup();
    connection.start();
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(reconnectDelay(0));
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(reconnectDelay(1));
    FakeEventSource.latest().emitActive(2);
    expect(connection.getState().status).toBe('live');

    FakeEventSource.latest().fail();
    const created = FakeEventSource.instances.length;
    await vi.advanceTimersByTimeAsync(reconnectDelay(0));
    expect(FakeEventSource.instances.length).toBe(created + 1);
    connection.close();
  });

  it('lets EventSource retry a dropped connection by itself', async () => {
    const { connection, fetchMock } = setup();
    connection.start();
    const source = FakeEventSource.latest();
    source.emitActive(5);
    source.fail(FakeEventSource.CONNECTING);
    expect(connection.getState()).toMatchObject({ count: 5, status: 'connecting' });
    expect(source.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(FakeEventSource.instances.length).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();

    source.emitActive(6);
    expect(connection.getState()).toMatchObject({ count: 6, status: 'live' });
    connection.close();
  });

  it('treats a stream that stays silent as failed (a buffering proxy)', async () => {
    const { connection } = setup();
    connection.start();
    const silent = FakeEventSource.latest();
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.firstMessageTimeoutMs);
    expect(silent.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(reconnectDelay(0));
    expect(FakeEventSource.instances.length).toBe(2);
    connection.close();
  });

  it('stops with status error and the message on 401 invalid_write_key', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse(401, invalidWriteKey));
    const { connection } = setup({ fetch: fetchMock });
    connection.start();
    FakeEventSource.latest().fail(FakeEventSource.CLOSED);
    await vi.advanceTimersByTimeAsync(0);

    const state = connection.getState();
    expect(state.status).toBe('error');
    expect(state.count).toBeNull();
    expect(state.error).toMatchObject({ code: 'invalid_write_key', httpStatus: 401, message: invalidWriteKey.error.message });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(FakeEventSource.instances.length).toBe(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('ActiveUsersConnection polling fallback', () => {
  it('polls GET /v1/active every 15 s when EventSource is missing', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse(200, activeBody(2)));
    const { connection } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    expect(connection.getState().status).toBe('polling');
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.getState()).toEqual({ count: 2, status: 'polling', error: null });
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fetchMock.mockImplementation(async () => jsonResponse(200, activeBody(9)));
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(connection.getState().count).toBe(9);
    connection.close();
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs * 4);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('falls back to polling when the stream keeps failing', async () => {
    const { connection, fetchMock, statuses } = setup();
    connection.start();
    for (let attempt = 0; attempt < DEFAULT_TUNING.maxStreamFailures - 1; attempt++) {
      FakeEventSource.latest().fail();
      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt));
    }
    FakeEventSource.latest().fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.getState()).toEqual({ count: 7, status: 'polling', error: null });
    expect(FakeEventSource.live()).toHaveLength(0);
    expect(statuses).toContain('polling');

    const calls = fetchMock.mock.calls.length;
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs);
    expect(fetchMock.mock.calls.length).toBe(calls + 1);
    connection.close();
  });

  it('keeps polling through network errors and exposes them', async () => {
    const fetchMock: FetchMock = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const { connection } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.getState()).toMatchObject({ status: 'polling', error: { code: 'network_error' } });

    fetchMock.mockImplementation(async () => jsonResponse(200, activeBody(1)));
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs);
    expect(connection.getState()).toEqual({ count: 1, status: 'polling', error: null });
    connection.close();
  });

  it('honours Retry-After on 429 and 503', async () => {
    const fetchMock: FetchMock = vi.fn(async () =>
      jsonResponse(503, { error: { code: 'database_unavailable', message: 'later' } }, { 'retry-after': '60' }),
    );
    const { connection } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000 - DEFAULT_TUNING.pollIntervalMs);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    connection.close();
  });

  it('stops polling on 401', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse(401, invalidWriteKey));
    const { connection } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs * 3);
    expect(connection.getState()).toMatchObject({ status: 'error', error: { code: 'invalid_write_key' } });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('gives up on a hung request and tries again', async () => {
    const fetchMock: FetchMock = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const { connection } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.requestTimeoutMs);
    expect(connection.getState().error).toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    connection.close();
  });

  it('tries the stream again while polling and goes live when it answers', async () => {
    const { connection, fetchMock } = setup();
    connection.start();
    for (let attempt = 0; attempt < DEFAULT_TUNING.maxStreamFailures; attempt++) {
      FakeEventSource.latest().fail();
      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt));
    }
    expect(connection.getState().status).toBe('polling');
    const created = FakeEventSource.instances.length;

    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.streamRetryMs);
    expect(FakeEventSource.instances.length).toBe(created + 1);
    FakeEventSource.latest().emitActive(11);
    expect(connection.getState()).toEqual({ count: 11, status: 'live', error: null });

    const polls = fetchMock.mock.calls.length;
    // Less than the silence watchdog: this stream said nothing more, and may not.
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.pollIntervalMs * 2);
    expect(fetchMock.mock.calls.length).toBe(polls);
    connection.close();
  });

  it('a failed probe leaves polling running', async () => {
    const { connection } = setup();
    connection.start();
    for (let attempt = 0; attempt < DEFAULT_TUNING.maxStreamFailures; attempt++) {
      FakeEventSource.latest().fail();
      await vi.advanceTimersByTimeAsync(reconnectDelay(attempt));
    }
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.streamRetryMs);
    FakeEventSource.latest().fail();
    expect(connection.getState().status).toBe('polling');
    expect(FakeEventSource.live()).toHaveLength(0);
    connection.close();
  });
});

describe('ActiveUsersConnection never shows a stale count as live', () => {
  it('reconnects a stream silent for 45 s (a half-open connection), and is live again only with a new message', async () => {
    const { connection } = setup({ fetch: vi.fn(async () => jsonResponse(200, activeBody(5))) });
    connection.start();
    const first = FakeEventSource.latest();
    first.emitActive(5);
    // The collector repeats the count at least every 30 s: a healthy quiet stream never trips the watchdog.
    await vi.advanceTimersByTimeAsync(30_000);
    first.emitActive(5);
    await vi.advanceTimersByTimeAsync(DEFAULT_TUNING.silenceMs - 1);
    expect(connection.getState()).toEqual({ count: 5, status: 'live', error: null });
    expect(FakeEventSource.instances).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(first.closed).toBe(true);
    expect(connection.getState()).toMatchObject({ count: 5, status: 'connecting' });
    await vi.advanceTimersByTimeAsync(reconnectDelay(0));
    expect(FakeEventSource.live()).toHaveLength(1);
    expect(connection.getState().status).toBe('connecting');
    FakeEventSource.latest().emitActive(2);
    expect(connection.getState()).toEqual({ count: 2, status: 'live', error: null });
    connection.close();
  });

  it('reconnects at once when the network comes back', async () => {
    const { connection, wake } = setup();
    connection.start();
    FakeEventSource.latest().emitActive(4);
    wake('online');
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.instances[0]!.closed).toBe(true);
    expect(connection.getState()).toMatchObject({ count: 4, status: 'connecting' });
    FakeEventSource.latest().emitActive(6);
    expect(connection.getState()).toEqual({ count: 6, status: 'live', error: null });
    connection.close();
  });

  it('reconnects at once when the page becomes visible after a quiet spell (sleep), not after a glance away', async () => {
    const { connection, wake } = setup();
    connection.start();
    FakeEventSource.latest().emitActive(4);
    await vi.advanceTimersByTimeAsync(1000);
    wake('visible');
    expect(FakeEventSource.instances).toHaveLength(1);

    // Timers do not run while a device sleeps; the wall clock does.
    vi.setSystemTime(Date.now() + 10 * 60_000);
    wake('visible');
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(connection.getState().status).toBe('connecting');
    connection.close();
  });

  it('polls at once on wake when it has no stream, and stops listening for wakes when closed', async () => {
    const fetchMock: FetchMock = vi.fn(async () => jsonResponse(200, activeBody(3)));
    const { connection, wake, wakers } = setup({ eventSource: false, fetch: fetchMock });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    wake('online');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(connection.getState()).toEqual({ count: 3, status: 'polling', error: null });
    connection.close();
    expect(wakers.size).toBe(0);
  });
});
