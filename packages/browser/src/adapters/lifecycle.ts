/** Page visibility, unload and connectivity: when to send what this tab holds, and when to resume. */
import { listen } from './listen';

export interface LifecycleHooks {
  hidden(): void;
  visible(): void;
  online(): void;
}

export function watchLifecycle(hooks: LifecycleHooks): () => void {
  const offs = [
    listen(document, 'visibilitychange', () => (document.visibilityState == 'hidden' ? hooks.hidden() : hooks.visible())),
    // pagehide also covers pages that unload without becoming hidden first (and bfcache entries).
    listen(window, 'pagehide', hooks.hidden),
    listen(window, 'online', hooks.online),
  ];
  return () => offs.forEach((off) => off());
}
