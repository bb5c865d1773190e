// A tiny pushState router: enough to show that client-side route changes become page events.
import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/** Where the demo server mounts the SPA. */
export const BASE = '/examples/spa';

export const TITLES: Record<string, string> = {
  '/': 'Home',
  '/pricing': 'Pricing',
  '/docs': 'Docs',
  '/login': 'Log in',
};

const listeners = new Set<() => void>();

/** The app's path without the base: `/examples/spa/pricing` → `/pricing`. */
export function currentPath(): string {
  const path = location.pathname;
  if (!path.startsWith(BASE)) return '/';
  return path.slice(BASE.length).replace(/\/+$/, '') || '/';
}

/** The document title of a path; set before the URL changes so the page event carries it. */
export function syncTitle(path = currentPath()): void {
  document.title = `${TITLES[path] ?? 'Not found'} · Northwind Notes`;
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    listeners.delete(onChange);
    window.removeEventListener('popstate', onChange);
  };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath, () => '/');
}

export function navigate(to: string): void {
  if (to === currentPath()) return;
  syncTitle(to);
  history.pushState(null, '', BASE + (to === '/' ? '/' : to));
  window.scrollTo(0, 0);
  listeners.forEach((listener) => listener());
}

// Back/forward: the title must be right before the SDK reads it for the page event.
window.addEventListener('popstate', () => syncTitle());

export function Link({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    // Let the browser handle new-tab and new-window clicks.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  const active = currentPath() === to;
  return (
    <a href={BASE + (to === '/' ? '/' : to)} className={className} aria-current={active ? 'page' : undefined} onClick={onClick}>
      {children}
    </a>
  );
}
