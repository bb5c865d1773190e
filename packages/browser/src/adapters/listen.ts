/** Event listeners that never let an SDK error reach the page, removed together. */

/**
 * Capture, so a page that stops propagation never hides input. Not marked passive: the DOM standard
 * makes touch and wheel listeners on window and document passive by default (the SDK listens to no
 * other target for them), and the other events never hold up scrolling.
 */
const OPTIONS = true;

/** Listens to space-separated `types` on `target`; returns the function that removes them. */
export const listen = <E extends Event>(target: EventTarget, types: string, fn: (e: E) => void): (() => void) => {
  const names = types.split(' ');
  const handler = (e: Event) => {
    try {
      fn(e as E);
    } catch {}
  };
  names.forEach((t) => target.addEventListener(t, handler, OPTIONS));
  return () => names.forEach((t) => target.removeEventListener(t, handler, OPTIONS));
};
