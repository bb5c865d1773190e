/** `context` of every event: the page at the time of the call, plus device and library details read once. */
import type { EventContext } from '@headcount/schema';
import { VERSION } from '../version';

export const pageContext = (): (() => EventContext) => {
  const n = navigator;
  const device: EventContext = {
    userAgent: n.userAgent,
    locale: n.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height },
    library: { name: '@headcount/browser', version: VERSION },
  };
  // After an in-app navigation the referrer is the previous URL, as a multi-page site would report it.
  let url = location.href;
  let referrer = document.referrer;
  return () => {
    const l = location;
    if (l.href != url) {
      referrer = url;
      url = l.href;
    }
    return { ...device, page: { url, path: l.pathname, search: l.search, referrer, title: document.title } };
  };
};
