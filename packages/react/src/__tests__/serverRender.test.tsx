// Runs in node, with no DOM: what a server render of the component does and touches.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

const BROWSER_GLOBALS = ['window', 'document', 'navigator', 'EventSource', 'fetch', 'localStorage', 'sessionStorage', 'AbortController'] as const;

/** Replaces browser globals with getters that record and throw, for the duration of `run`. */
async function withBrowserGlobalsTrapped<T>(run: () => Promise<T> | T): Promise<{ result: T; touched: string[] }> {
  const touched: string[] = [];
  const saved = BROWSER_GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)] as const);
  for (const name of BROWSER_GLOBALS) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        throw new Error(`server render touched ${name}`);
      },
    });
  }
  try {
    return { result: await run(), touched };
  } finally {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  }
}

afterEach(() => {
  vi.resetModules();
});

describe('server render', () => {
  it('imports, renders nothing and touches no browser global', async () => {
    vi.resetModules();
    const { result: html, touched } = await withBrowserGlobalsTrapped(async () => {
      const { ActiveUsers, HeadcountProvider } = await import('../index');
      return renderToString(
        createElement(
          'main',
          null,
          createElement(ActiveUsers, { host: 'https://collector.test', writeKey: 'wk_ssr' }),
          createElement(ActiveUsers, { host: 'https://collector.test', writeKey: 'wk_ssr', hideWhenZero: false }),
          createElement(ActiveUsers, { host: 'https://collector.test', writeKey: 'wk_ssr', path: '/pricing', hideWhenZero: false }),
          createElement(ActiveUsers, { host: 'https://collector.test', writeKey: 'wk_ssr', children: (count: number) => `${count} here` }),
          createElement(HeadcountProvider, { client: {} as never }),
        ),
      );
    });
    expect(touched).toEqual([]);
    expect(html).toBe('<main></main>');
  });

  it('the hook reports the unknown state on the server', async () => {
    const { useActiveUsers } = await import('../index');
    let seen: unknown;
    function Probe() {
      seen = useActiveUsers({ host: 'https://collector.test', writeKey: 'wk_ssr' });
      return null;
    }
    const { touched } = await withBrowserGlobalsTrapped(() => renderToString(createElement(Probe)));
    expect(touched).toEqual([]);
    expect(seen).toEqual({ count: null, status: 'connecting', error: null });
  });

  it('the trap does catch a component that reaches for the browser', async () => {
    function Leaky() {
      return createElement('span', null, typeof window);
    }
    const { touched } = await withBrowserGlobalsTrapped(() => {
      expect(() => renderToString(createElement(Leaky))).toThrow(/server render touched window/);
    });
    expect(touched).toEqual(['window']);
  });
});
