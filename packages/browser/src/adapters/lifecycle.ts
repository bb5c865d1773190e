/** Page visibility, unload and connectivity: when to send what this tab holds, and when to resume. */
import { listen } from './listen';

export interface LifecycleHooks {
  hidden(): void;
  visible(): void;
  reconnect(): void;
}

/** Returns the functions that stop watching. */
export const watchLifecycle = (hooks: LifecycleHooks) => [
  listen(document, 'visibilitychange', () => (document.visibilityState == 'hidden' ? hooks.hidden() : hooks.visible())),
  // pagehide also covers pages that unload without becoming hidden first (and bfcache entries).
  listen(window, 'pagehide online', (e) => (e.type == 'online' ? hooks.reconnect() : hooks.hidden())),
];
