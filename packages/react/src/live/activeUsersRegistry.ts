import { ActiveUsersConnection } from './ActiveUsersConnection';
import { activeUsersEndpoints } from './activeUsersEndpoints';
import { type ActiveUsersState, UNKNOWN_ACTIVE_USERS } from './activeUsersState';
import { browserEnvironment } from './liveEnvironment';

interface Entry {
  connection: ActiveUsersConnection;
  subscribers: number;
}

/** One connection per app (host + write key), however many components show its count. */
const entries = new Map<string, Entry>();

function keyOf(host: string, writeKey: string): string {
  return activeUsersEndpoints(host, writeKey).stream;
}

/** Current state for one app; the unknown state when nobody is subscribed. Touches no browser global. */
export function activeUsersSnapshot(host: string, writeKey: string): ActiveUsersState {
  return entries.get(keyOf(host, writeKey))?.connection.getState() ?? UNKNOWN_ACTIVE_USERS;
}

/** Listens to one app's count; the first subscriber opens the connection, the last one to leave closes it. */
export function subscribeActiveUsers(host: string, writeKey: string, onChange: () => void): () => void {
  const key = keyOf(host, writeKey);
  let entry = entries.get(key);
  const isNew = !entry;
  if (!entry) {
    entry = { connection: new ActiveUsersConnection(activeUsersEndpoints(host, writeKey), browserEnvironment()), subscribers: 0 };
    entries.set(key, entry);
  }
  const current = entry;
  current.subscribers += 1;
  const stopListening = current.connection.subscribe(onChange);
  if (isNew) current.connection.start();

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

/** How many apps have an open connection (for tests and debugging). */
export function openActiveUsersConnections(): number {
  return entries.size;
}
