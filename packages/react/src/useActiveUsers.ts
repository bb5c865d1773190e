import { activeUsersSnapshot, subscribeActiveUsers, type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from '@headcount/browser/live';
import { useCallback, useSyncExternalStore } from 'react';

export interface UseActiveUsersOptions {
  /** The collector's origin, e.g. `https://collector.example`; `''` for the page's own origin. */
  host: string;
  /** The app's public write key. */
  writeKey: string;
  /** Count only the visitors whose latest page is this path (e.g. `/pricing`); the whole app without it. */
  path?: string | undefined;
}

const serverSnapshot = (): ActiveUsersState => UNKNOWN_ACTIVE_USERS;

/**
 * The live number of active users of one app (or one page of it). Components and `<headcount-live>` elements
 * asking for the same app and path share one connection (`@headcount/browser/live`).
 */
export function useActiveUsers({ host, writeKey, path }: UseActiveUsersOptions): ActiveUsersState {
  const subscribe = useCallback((onChange: () => void) => subscribeActiveUsers({ host, writeKey, path }, onChange), [host, writeKey, path]);
  const getSnapshot = useCallback(() => activeUsersSnapshot({ host, writeKey, path }), [host, writeKey, path]);
  return useSyncExternalStore(subscribe, getSnapshot, serverSnapshot);
}
