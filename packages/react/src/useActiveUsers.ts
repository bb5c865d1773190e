import { useCallback, useSyncExternalStore } from 'react';
import { activeUsersSnapshot, subscribeActiveUsers } from './live/activeUsersRegistry';
import { type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from './live/activeUsersState';

export interface UseActiveUsersOptions {
  /** The collector's origin, e.g. `https://collector.example`; `''` for the page's own origin. */
  host: string;
  /** The app's public write key. */
  writeKey: string;
}

const serverSnapshot = (): ActiveUsersState => UNKNOWN_ACTIVE_USERS;

/** The live number of active users of one app; components asking for the same app share one connection. */
export function useActiveUsers({ host, writeKey }: UseActiveUsersOptions): ActiveUsersState {
  const subscribe = useCallback((onChange: () => void) => subscribeActiveUsers(host, writeKey, onChange), [host, writeKey]);
  const getSnapshot = useCallback(() => activeUsersSnapshot(host, writeKey), [host, writeKey]);
  return useSyncExternalStore(subscribe, getSnapshot, serverSnapshot);
}
