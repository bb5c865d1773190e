// Boot: one SDK client for the whole app (from npm), shared with components through the provider.
import { createHeadcount, type HeadcountClient } from '@headcount/browser';
import { HeadcountProvider } from '@headcount/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { syncTitle } from './router';

declare global {
  interface Window {
    /** The SDK client, for a look from the console (`headcount.status()`). */
    headcount?: HeadcountClient;
  }
}

const writeKey = document.querySelector<HTMLMetaElement>('meta[name="headcount-write-key"]')?.content ?? '';
// The landing page event is recorded as the client starts: its title must already be right.
syncTitle();
// host "" sends to this page's origin, where the demo collector also serves the SPA.
const headcount = createHeadcount({ writeKey, host: '' });
window.headcount = headcount;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HeadcountProvider client={headcount}>
      <App writeKey={writeKey} />
    </HeadcountProvider>
  </StrictMode>,
);
