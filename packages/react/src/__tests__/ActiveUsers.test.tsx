// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActiveUsers } from '../ActiveUsers';
import { activeBody, FakeEventSource, jsonResponse } from '../../../browser/src/live/__tests__/fakes';
import { type Mounted, mount, settle, update } from './renderInDom';

const props = { host: 'https://collector.test', writeKey: 'wk_component' };
let mounted: Mounted | undefined;

beforeEach(() => {
  FakeEventSource.reset();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', vi.fn(async () => jsonResponse(200, activeBody(0))));
});

afterEach(async () => {
  await mounted?.unmount();
  mounted = undefined;
  await settle();
  vi.unstubAllGlobals();
  document.getElementById('headcount-active-users-style')?.remove();
});

const live = () => mounted!.container.querySelector('[aria-live]');

describe('<ActiveUsers/>', () => {
  it('renders nothing until the count is known, then "N online" in a polite live region', async () => {
    mounted = await mount(<ActiveUsers {...props} />);
    expect(mounted.container.innerHTML).toBe('');

    await update(() => FakeEventSource.latest().emitActive(3));
    expect(live()?.getAttribute('aria-live')).toBe('polite');
    expect(live()?.textContent).toBe('3 online');
  });

  it('follows the count as it changes', async () => {
    mounted = await mount(<ActiveUsers {...props} />);
    await update(() => FakeEventSource.latest().emitActive(3));
    await update(() => FakeEventSource.latest().emitActive(12));
    expect(live()?.textContent).toBe('12 online');
  });

  it('hides at 0 by default', async () => {
    mounted = await mount(<ActiveUsers {...props} />);
    await update(() => FakeEventSource.latest().emitActive(2));
    await update(() => FakeEventSource.latest().emitActive(0));
    expect(mounted.container.innerHTML).toBe('');
  });

  it('shows 0 with hideWhenZero={false}, but still nothing while unknown', async () => {
    mounted = await mount(<ActiveUsers {...props} hideWhenZero={false} />);
    expect(mounted.container.innerHTML).toBe('');
    await update(() => FakeEventSource.latest().emitActive(0));
    expect(live()?.textContent).toBe('0 online');
  });

  it('renders a render-prop child instead of the default look', async () => {
    mounted = await mount(<ActiveUsers {...props}>{(count) => <b>{count} people here</b>}</ActiveUsers>);
    await update(() => FakeEventSource.latest().emitActive(4));
    expect(live()?.innerHTML).toBe('<b>4 people here</b>');
    expect(live()?.getAttribute('aria-live')).toBe('polite');
  });

  it('puts className on the live region', async () => {
    mounted = await mount(<ActiveUsers {...props} className="visitors" />);
    await update(() => FakeEventSource.latest().emitActive(1));
    expect(live()?.className).toBe('visitors');
  });

  it('pulses a green dot while fresh, and the pulse stylesheet respects prefers-reduced-motion', async () => {
    mounted = await mount(<ActiveUsers {...props} />);
    await update(() => FakeEventSource.latest().emitActive(5));
    const dot = live()?.querySelector('[aria-hidden="true"]') as HTMLElement;
    expect(dot.className).toBe('headcount-active-users-pulse');
    expect(dot.style.borderRadius).toBe('50%');

    const styles = document.querySelectorAll('#headcount-active-users-style');
    expect(styles).toHaveLength(1);
    expect(styles[0]?.textContent).toMatch(/@media \(prefers-reduced-motion:reduce\)\{\.headcount-active-users-pulse\{animation:none\}\}/);
  });

  it('stops pulsing while reconnecting (the number may be stale)', async () => {
    mounted = await mount(<ActiveUsers {...props} />);
    await update(() => FakeEventSource.latest().emitActive(5));
    await update(() => FakeEventSource.latest().fail(FakeEventSource.CONNECTING));
    expect(live()?.getAttribute('data-status')).toBe('connecting');
    expect(live()?.textContent).toBe('5 online');
    expect(live()?.querySelector('[aria-hidden="true"]')?.className).toBe('');
  });

  it('adds the stylesheet once for many counters, and not at all for a render-prop', async () => {
    mounted = await mount(
      <>
        <ActiveUsers {...props}>{(count) => count}</ActiveUsers>
      </>,
    );
    await update(() => FakeEventSource.latest().emitActive(5));
    expect(document.getElementById('headcount-active-users-style')).toBeNull();

    await mounted.rerender(
      <>
        <ActiveUsers {...props} />
        <ActiveUsers {...props} />
      </>,
    );
    expect(document.querySelectorAll('#headcount-active-users-style')).toHaveLength(1);
  });
});
