// The demo's pretend login, remembered in localStorage and shared by every tab.
import { useSyncExternalStore } from 'react';

export interface DemoUser {
  id: string;
  name: string;
}

const KEY = 'northwind-user';
const listeners = new Set<() => void>();
let cachedRaw: string | null = null;
let cachedUser: DemoUser | null = null;

function read(): DemoUser | null {
  const raw = localStorage.getItem(KEY);
  // Same string, same object: useSyncExternalStore needs a stable snapshot.
  if (raw !== cachedRaw) {
    cachedRaw = raw;
    try {
      cachedUser = raw ? (JSON.parse(raw) as DemoUser) : null;
    } catch {
      cachedUser = null;
    }
  }
  return cachedUser;
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener('storage', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('storage', onChange);
  };
}

export function useDemoUser(): DemoUser | null {
  return useSyncExternalStore(subscribe, read, () => null);
}

export function saveDemoUser(user: DemoUser | null): void {
  if (user) localStorage.setItem(KEY, JSON.stringify(user));
  else localStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}
