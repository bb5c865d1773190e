// The collector's read API as a test sees it: everything an app stored, through its secret key.
import type { ActiveUsersResponse, Session, StoredEvent, Touch } from '@headcount/schema';

export interface UserView {
  userId: string;
  anonymousIds: string[];
  firstTouch: Touch | null;
  lastTouch: Touch | null;
  sessions: Session[];
}

export interface ReadApi {
  /** Every stored event (all pages), optionally filtered like `GET /v1/events`. */
  events(filter?: Record<string, string>): Promise<StoredEvent[]>;
  sessions(): Promise<Session[]>;
  user(userId: string): Promise<UserView>;
  active(): Promise<ActiveUsersResponse>;
}

export function readApi(url: string, keys: { writeKey: string; secretKey: string }): ReadApi {
  async function get<T>(path: string, auth = true): Promise<T> {
    const res = await fetch(url + path, { headers: auth ? { Authorization: `Bearer ${keys.secretKey}` } : {} });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  async function all<K extends string, T>(path: string, key: K, filter: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let after: string | null = null;
    do {
      const query = new URLSearchParams({ ...filter, limit: '1000', ...(after ? { after } : {}) });
      const page: Record<K, T[]> & { next: string | null } = await get(`${path}?${query}`);
      items.push(...page[key]);
      after = page.next;
    } while (after);
    return items;
  }
  return {
    events: (filter) => all<'events', StoredEvent>('/v1/events', 'events', filter),
    sessions: () => all<'sessions', Session>('/v1/sessions', 'sessions'),
    user: (userId) => get<UserView>(`/v1/users/${encodeURIComponent(userId)}`),
    active: () => get<ActiveUsersResponse>(`/v1/active?writeKey=${encodeURIComponent(keys.writeKey)}`, false),
  };
}
