/** `trackClicks`: one `Element Clicked` event per click or tap, with the element, its text and x/y. */
import type { JsonObject } from '@headcount/schema';
import { listen } from './listen';

/** The nearest interactive ancestor describes a click better than the span inside a button. */
const INTERACTIVE = 'a,button,input,select,textarea,label,[role=button]';

/** Takes `track` from `client` now (startHeadcount wraps the client's methods after). */
export function watchClicks({ track }: { track: (event: string, properties: JsonObject) => void }): () => void {
  return listen<MouseEvent>(document, 'click', (e) => {
    // A target that is no element (a script's click on document) throws here, and listen() ignores it.
    const target = e.target as Element;
    const el = target.closest(INTERACTIVE) || target;
    track('Element Clicked', {
      element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''),
      // An element's textContent is never null.
      text: el.textContent!.trim().replace(/\s+/g, ' ').slice(0, 100),
      x: Math.round(e.clientX),
      y: Math.round(e.clientY),
    });
  });
}
