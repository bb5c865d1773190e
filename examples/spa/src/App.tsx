import type { ComponentType } from 'react';
import { Header } from './Header';
import { Docs } from './pages/Docs';
import { Home } from './pages/Home';
import { Login } from './pages/Login';
import { NotFound } from './pages/NotFound';
import { Pricing } from './pages/Pricing';
import { usePath } from './router';

const PAGES: Record<string, ComponentType> = { '/': Home, '/pricing': Pricing, '/docs': Docs, '/login': Login };

export function App({ writeKey }: { writeKey: string }) {
  const path = usePath();
  const Page = PAGES[path] ?? NotFound;
  return (
    <>
      <Header writeKey={writeKey} />
      <main className="page">
        <Page />
      </main>
      <footer className="footer">
        A Headcount demo: every route change is a page event; open this page in a second window and watch the count.
      </footer>
    </>
  );
}
