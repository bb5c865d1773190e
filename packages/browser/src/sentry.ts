/**
 * `@headcount/browser/sentry`: ties Sentry reports to Headcount sessions. Sentry is passed in
 * (types only here), so it is never bundled and the script-tag build never contains it.
 */
import type * as Sentry from '@sentry/browser';
import type { HeadcountClient } from './core/api';

/** The two functions used, so any `@sentry/browser` >= 8 (or a compatible SDK) fits. */
export type SentryLike = Pick<typeof Sentry, 'addEventProcessor' | 'addBreadcrumb'>;

/**
 * Tags every Sentry event with `headcount.session_id` and `headcount.anonymous_id` (read when the
 * event is sent, so they follow session rotation) and adds a breadcrumb per dropped event.
 * Returns a function that unlinks.
 */
export function linkSentry(client: HeadcountClient, sentry: SentryLike): () => void {
  let linked = true;
  sentry.addEventProcessor((event) => {
    if (linked) {
      const { sessionId, anonymousId } = client.status();
      event.tags = { ...event.tags, 'headcount.session_id': sessionId || undefined, 'headcount.anonymous_id': anonymousId || undefined };
    }
    return event;
  });
  const off = client.on('drop', ({ reason, message, event }) =>
    sentry.addBreadcrumb({
      category: 'headcount',
      level: 'warning',
      message: `Headcount dropped a ${event.type} event: ${reason}`,
      data: { reason, message, messageId: event.messageId },
    }),
  );
  return () => {
    linked = false;
    off();
  };
}
