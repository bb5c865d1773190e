import { activeUsersSnapshot, subscribeActiveUsers, type ActiveUsersTarget } from './activeUsersRegistry';
import type { ActiveUsersState, ActiveUsersStatus } from './activeUsersState';

const STATUSES: readonly ActiveUsersStatus[] = ['connecting', 'live', 'polling', 'error'];

/**
 * Defines `<headcount-live host write-key path hide-when-zero template="{n} online">` once: the count as
 * plain text in the light DOM (styleable; class `hc-<status>`), announced politely, hidden while unknown.
 * Elements showing the same host + key + path share one connection. `defaultHost` serves elements without `host`.
 */
export function defineHeadcountLive(defaultHost = '', registry: CustomElementRegistry = customElements): void {
  if (registry.get('headcount-live')) return;

  class HeadcountLive extends HTMLElement {
    static readonly observedAttributes = ['host', 'write-key', 'path', 'hide-when-zero', 'template'];
    private leave: (() => void) | undefined;

    connectedCallback(): void {
      this.follow();
    }

    disconnectedCallback(): void {
      this.leave?.();
      this.leave = undefined;
    }

    attributeChangedCallback(): void {
      // Before connectedCallback (an upgrade reports every attribute) there is nothing to move yet.
      if (this.leave) this.follow();
    }

    private follow(): void {
      this.disconnectedCallback();
      const writeKey = this.getAttribute('write-key');
      if (!writeKey) return void this.show({ count: null, status: 'error', error: null });
      const target: ActiveUsersTarget = { host: this.getAttribute('host') ?? defaultHost, writeKey, path: this.getAttribute('path') };
      const render = () => this.show(activeUsersSnapshot(target));
      this.leave = subscribeActiveUsers(target, render);
      if (!this.hasAttribute('aria-live')) this.setAttribute('aria-live', 'polite');
      this.setAttribute('aria-atomic', 'true');
      render();
    }

    private show({ count, status }: ActiveUsersState): void {
      for (const each of STATUSES) this.classList.toggle(`hc-${each}`, each === status);
      this.hidden = count === null || (count === 0 && this.hasAttribute('hide-when-zero'));
      const text = count === null ? '' : (this.getAttribute('template') ?? '{n} online').replace('{n}', count.toLocaleString());
      // Rewriting the same text would make screen readers announce it again.
      if (this.textContent !== text) this.textContent = text;
    }
  }

  registry.define('headcount-live', HeadcountLive);
}
