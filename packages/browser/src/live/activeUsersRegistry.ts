import { type ActiveUsersConnection, createActiveUsersConnection } from './ActiveUsersConnection';
import { activeUsersEndpoints } from './activeUsersEndpoints';
import { type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from './activeUsersState';
import { browserEnvironment } from './liveEnvironment';

/** Whose count: an app (collector origin + write key), or only the visitors on one `path` of it. */
export interface ActiveUsersTarget {
  /** The collector's origin, e.g. `https://collector.example`; `''` for the page's own origin. */
  host: string;
  /** The app's public write key. */
  writeKey: string;
  /** Count only the visitors whose latest page is this path (e.g. `/pricing`). */
  path?: string | null | undefined;
}

interface Entry {
  connection: ActiveUsersConnection;
  subscribers: number;
}

/** One connection per app and path, however many components or elements on the page show its count. */
const entries = new Map<string, Entry>();

const keyOf = ({ host, writeKey, path }: ActiveUsersTarget): string => activeUsersEndpoints(host, writeKey, path).stream;

/** Current state for one target; the unknown state when nobody is subscribed. Touches no browser global. */
export function activeUsersSnapshot(target: ActiveUsersTarget): ActiveUsersState {
  return entries.get(keyOf(target))?.connection.getState() ?? UNKNOWN_ACTIVE_USERS;
}

/** Listens to one target's count; the first subscriber opens the connection, the last one to leave closes it. */
export function subscribeActiveUsers(target: ActiveUsersTarget, onChange: () => void): () => void {
  const endpoints = activeUsersEndpoints(target.host, target.writeKey, target.path);
  const key = endpoints.stream;
  const found = entries.get(key);
  const current = found || { connection: createActiveUsersConnection(endpoints, browserEnvironment()), subscribers: 0 };
  entries.set(key, current);
  current.subscribers += 1;
  const stopListening = current.connection.subscribe(onChange);
  if (!found) current.connection.start();

  let left = false;
  return () => {
    if (left) return;
    left = true;
    stopListening();
    current.subscribers -= 1;
    // Deferred a microtask so StrictMode's unmount/remount, or a component moving in one commit, keeps the connection.
    queueMicrotask(() => {
      if (current.subscribers > 0 || entries.get(key) !== current) return;
      entries.delete(key);
      current.connection.close();
    });
  };
}

/** How many connections are open (for tests and debugging). */
export function openActiveUsersConnections(): number {
  return entries.size;
}
