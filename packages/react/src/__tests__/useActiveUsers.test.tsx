// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActiveUsers } from '../ActiveUsers';
import { openActiveUsersConnections, type ActiveUsersState } from '@headcount/browser/live';
import { useActiveUsers } from '../useActiveUsers';
import { activeBody, FakeEventSource, invalidWriteKey, jsonResponse } from '../../../browser/src/live/__tests__/fakes';
import { type Mounted, mount, settle, update } from './renderInDom';

const props = { host: 'https://collector.test', writeKey: 'wk_hook' };
let mounted: Mounted | undefined;
let fetchMock: ReturnType<typeof vi.fn<(url: string) => Promise<Response>>>;

/** Records every state the hook renders with. */
function Probe({ seen, host = props.host, writeKey = props.writeKey, path }: { seen: ActiveUsersState[]; host?: string; writeKey?: string; path?: string }) {
  const state = useActiveUsers({ host, writeKey, path });
  if (seen[seen.length - 1] !== state) seen.push(state);
  return <output>{state.status}</output>;
}

beforeEach(() => {
  FakeEventSource.reset();
  fetchMock = vi.fn(async () => jsonResponse(200, activeBody(8)));
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(async () => {
  vi.useRealTimers();
  await mounted?.unmount();
  mounted = undefined;
  await settle();
  vi.unstubAllGlobals();
  expect(openActiveUsersConnections()).toBe(0);
});

describe('useActiveUsers', () => {
  it('goes connecting → live with the count', async () => {
    const seen: ActiveUsersState[] = [];
    mounted = await mount(<Probe seen={seen} />);
    expect(FakeEventSource.latest().url).toBe('https://collector.test/v1/active/stream?writeKey=wk_hook');
    await update(() => FakeEventSource.latest().emitActive(6));
    expect(seen.map((state) => [state.status, state.count])).toEqual([
      ['connecting', null],
      ['live', 6],
    ]);
  });

  it('shares one connection between components of the same app, and closes it when the last unmounts', async () => {
    const seen: ActiveUsersState[] = [];
    mounted = await mount(
      <>
        <ActiveUsers {...props} />
        <ActiveUsers {...props} />
        <Probe seen={seen} />
      </>,
    );
    expect(FakeEventSource.instances).toHaveLength(1);
    await update(() => FakeEventSource.latest().emitActive(2));
    expect(mounted.container.textContent).toBe('2 online2 onlinelive');

    await mounted.rerender(<ActiveUsers {...props} />);
    await settle();
    expect(FakeEventSource.latest().closed).toBe(false);

    await mounted.unmount();
    mounted = undefined;
    await settle();
    expect(FakeEventSource.latest().closed).toBe(true);
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('opens separate connections for different apps', async () => {
    mounted = await mount(
      <>
        <Probe seen={[]} />
        <Probe seen={[]} writeKey="wk_other" />
      </>,
    );
    expect(FakeEventSource.instances.map((source) => source.url)).toEqual([
      'https://collector.test/v1/active/stream?writeKey=wk_hook',
      'https://collector.test/v1/active/stream?writeKey=wk_other',
    ]);
  });

  it('follows one path with its own connection, shared by every component on that path', async () => {
    const onPricing: ActiveUsersState[] = [];
    mounted = await mount(
      <>
        <Probe seen={[]} />
        <Probe seen={onPricing} path="/pricing" />
        <ActiveUsers {...props} path="/pricing" />
      </>,
    );
    expect(FakeEventSource.instances.map((source) => source.url)).toEqual([
      'https://collector.test/v1/active/stream?writeKey=wk_hook',
      'https://collector.test/v1/active/stream?writeKey=wk_hook&path=%2Fpricing',
    ]);
    await update(() => FakeEventSource.instances[1]!.emitActive(3));
    expect(onPricing[onPricing.length - 1]).toEqual({ count: 3, status: 'live', error: null });
    expect(mounted.container.textContent).toBe('connecting' + 'live' + '3 online');

    await mounted.rerender(<Probe seen={onPricing} path="/docs" />);
    await settle();
    expect(FakeEventSource.live().map((source) => source.url)).toEqual(['https://collector.test/v1/active/stream?writeKey=wk_hook&path=%2Fdocs']);
  });

  it('leaves live for connecting when the stream goes silent for 45 s, and reconnects', async () => {
    vi.useFakeTimers();
    const seen: ActiveUsersState[] = [];
    mounted = await mount(<Probe seen={seen} />);
    const first = FakeEventSource.latest();
    await update(() => first.emitActive(4));
    await update(() => vi.advanceTimersByTime(44_999));
    expect(seen[seen.length - 1]).toEqual({ count: 4, status: 'live', error: null });
    const silentFrom = seen.length;
    await update(() => vi.advanceTimersByTime(1));
    expect(first.closed).toBe(true);
    await update(() => vi.advanceTimersByTime(1000));
    expect(FakeEventSource.live()).toHaveLength(1);
    // Meanwhile GET /v1/active gave a count (8), never shown as live.
    expect(seen.slice(silentFrom).map((state) => [state.status, state.count])).toEqual([['connecting', 4], ['connecting', 8]]);
    await update(() => FakeEventSource.latest().emitActive(5));
    expect(seen[seen.length - 1]).toEqual({ count: 5, status: 'live', error: null });
  });

  it('moves to the new app when the write key changes', async () => {
    mounted = await mount(<Probe seen={[]} />);
    const first = FakeEventSource.latest();
    await mounted.rerender(<Probe seen={[]} writeKey="wk_next" />);
    await settle();
    expect(first.closed).toBe(true);
    expect(FakeEventSource.latest().url).toContain('writeKey=wk_next');
  });

  it('survives StrictMode without a second connection', async () => {
    const { StrictMode } = await import('react');
    mounted = await mount(
      <StrictMode>
        <Probe seen={[]} />
      </StrictMode>,
    );
    await settle();
    expect(FakeEventSource.live()).toHaveLength(1);
  });

  it('reconnects with backoff, then falls back to polling', async () => {
    vi.useFakeTimers();
    const seen: ActiveUsersState[] = [];
    mounted = await mount(<Probe seen={seen} />);
    for (let attempt = 0; attempt < 3; attempt++) {
      await update(() => FakeEventSource.latest().fail(FakeEventSource.CLOSED));
      expect(FakeEventSource.live()).toHaveLength(0);
      // Backoff is 0.5–1 s, 1–2 s, 2–4 s: nothing before the lower bound, a new stream by the upper one.
      await update(() => vi.advanceTimersByTime(500 * 2 ** attempt - 1));
      expect(FakeEventSource.instances).toHaveLength(attempt + 1);
      await update(() => vi.advanceTimersByTime(500 * 2 ** attempt + 1));
      expect(FakeEventSource.instances).toHaveLength(attempt + 2);
    }
    await update(() => FakeEventSource.latest().fail(FakeEventSource.CLOSED));
    await update(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(seen[seen.length - 1]).toEqual({ count: 8, status: 'polling', error: null });
    expect(fetchMock).toHaveBeenLastCalledWith('https://collector.test/v1/active?writeKey=wk_hook', expect.anything());
  });

  it('polls when the browser has no EventSource', async () => {
    vi.stubGlobal('EventSource', undefined);
    const seen: ActiveUsersState[] = [];
    mounted = await mount(<Probe seen={seen} />);
    await settle();
    expect(seen[seen.length - 1]).toEqual({ count: 8, status: 'polling', error: null });
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('reports 401 as status error with the collector message', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(401, invalidWriteKey));
    const seen: ActiveUsersState[] = [];
    mounted = await mount(
      <>
        <Probe seen={seen} />
        <ActiveUsers {...props} hideWhenZero={false} />
      </>,
    );
    await update(() => FakeEventSource.latest().fail(FakeEventSource.CLOSED));
    await settle();
    const last = seen[seen.length - 1]!;
    expect(last.status).toBe('error');
    expect(last.error?.message).toBe(invalidWriteKey.error.message);
    expect(last.error?.code).toBe('invalid_write_key');
    expect(mounted.container.textContent).toBe('error');
  });
});
