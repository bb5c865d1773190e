/** `context` of every event: the page at the time of the call, plus device and library details read once. */
import type { EventContext } from '@headcount/schema';
import { VERSION } from '../version';

export const pageContext = (): (() => EventContext) => {
  const device: EventContext = {
    userAgent: navigator.userAgent,
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height },
    library: { name: '@headcount/browser', version: VERSION },
  };
  // After an in-app navigation the referrer is the previous URL, as a multi-page site would report it.
  let url = location.href;
  let referrer = document.referrer;
  return () => {
    if (location.href != url) {
      referrer = url;
      url = location.href;
    }
    return { ...device, page: { url, path: location.pathname, search: location.search, referrer, title: document.title } };
  };
};
