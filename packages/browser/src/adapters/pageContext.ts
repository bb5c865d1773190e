/** `context` of every event: the page at the time of the call, plus device and library details read once. */
import type { EventContext } from '@headcount/schema';
import { VERSION } from '../version';

export function pageContext(): () => EventContext {
  const n = navigator;
  const device: EventContext = {
    userAgent: n.userAgent,
    locale: n.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    screen: { width: screen.width, height: screen.height },
    library: { name: '@headcount/browser', version: VERSION },
  };
  return () => {
    const l = location;
    const d = document;
    return { ...device, page: { url: l.href, path: l.pathname, search: l.search, referrer: d.referrer, title: d.title } };
  };
}
