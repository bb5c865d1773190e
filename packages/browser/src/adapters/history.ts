/** Automatic page views for multi-page sites and SPAs (load, pushState, replaceState, popstate, hashchange). */
import { listen } from './listen';

/**
 * Calls `onPage` for the load and whenever the URL changes; returns the function that stops listening.
 * The history wrappers stay, so `onPage` must do nothing once the client is destroyed (core.autoPage does not).
 */
export function watchHistory(onPage: () => void): () => void {
  let last = location.href;
  // Deferred a tick so routers that set the title after pushState report the new title.
  const changed = () =>
    setTimeout(() => {
      if (location.href != last) {
        last = location.href;
        // Unguarded, like the SDK's other timers: core.autoPage reads guarded storage and calls the guarded client.page.
        onPage();
      }
    });
  // The load's page view comes a microtask later, so listeners and identify() right after creation
  // (or the stub's replay) come first.
  Promise.resolve().then(onPage);
  for (const name of 'pushState replaceState'.split(' ') as Array<'pushState' | 'replaceState'>) {
    const original = history[name];
    // Wrapped rather than restored on stop: another library may have wrapped it after us.
    // changed() looks a tick later, after the router's own call.
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      changed();
      return original.apply(this, args);
    };
  }
  return listen(window, 'popstate hashchange', changed);
}
