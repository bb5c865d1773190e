import type { Page } from 'playwright';

/** Lists every request `page` makes to an origin not in `allowed` (a CDN, a control plane, a metrics host). */
export function watchForeignRequests(page: Page, allowed: readonly string[]): string[] {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !allowed.includes(url.origin)) foreign.push(request.url());
  });
  return foreign;
}
