// Realistic Segment-spec events for the ingest benchmark, built fast enough that the load generator
// (which shares the machine with the collector and PostgreSQL) stays cheap: everything that does not
// change per event is serialized once, and each event is a handful of string concatenations.
import { randomBytes } from 'node:crypto';

/** A handful of real user agents (desktop and mobile browsers, one crawler). */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.80',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

const PAGES = [
  { path: '/', title: 'Acme Shoes' },
  { path: '/shoes', title: 'Shoes - Acme' },
  { path: '/shoes/trail-runner-2', title: 'Trail Runner 2 - Acme' },
  { path: '/shoes/city-walker', title: 'City Walker - Acme' },
  { path: '/cart', title: 'Your cart - Acme' },
  { path: '/checkout', title: 'Checkout - Acme' },
  { path: '/blog/how-to-choose-running-shoes', title: 'How to choose running shoes' },
  { path: '/about', title: 'About us - Acme' },
];

const REFERRERS = [
  '', 'https://www.google.com/', 'https://www.bing.com/', 'https://t.co/', 'https://www.linkedin.com/',
  'https://news.ycombinator.com/', 'https://chatgpt.com/', 'https://shop.example/',
];
const CAMPAIGNS = [
  null, null, null,
  { source: 'newsletter', medium: 'email', name: 'spring-sale' },
  { source: 'google', medium: 'cpc', name: 'brand', term: 'acme shoes' },
];
const LOCALES = [['en-US', 'America/New_York'], ['fr-FR', 'Europe/Paris'], ['de-DE', 'Europe/Berlin'], ['en-GB', 'Europe/London'], ['ja-JP', 'Asia/Tokyo']];
const SCREENS = [[1920, 1080], [1440, 900], [390, 844], [412, 915], [2560, 1440]];
const PRODUCTS = [
  { product_id: 'sku-1001', name: 'Trail Runner 2', category: 'running', price: 129.0 },
  { product_id: 'sku-1002', name: 'City Walker', category: 'casual', price: 89.5 },
  { product_id: 'sku-1003', name: 'Court Classic', category: 'tennis', price: 99.99 },
  { product_id: 'sku-1004', name: 'Hiker Pro', category: 'hiking', price: 179.0 },
];

const pick = (list, i) => list[i % list.length];

/**
 * One visitor session: its fixed fields (identity and the browser context) pre-serialized.
 * `i` decides everything, so a run is reproducible apart from the random run id.
 */
function makeSession(runId, i) {
  const anonymousId = `${runId}-anon-${i.toString(36)}`;
  const sessionId = `s_${runId}_${i.toString(36)}`;
  const ua = pick(USER_AGENTS, i * 7 + 3);
  const [locale, timezone] = pick(LOCALES, i * 3 + 1);
  const [width, height] = pick(SCREENS, i * 5 + 2);
  const referrer = pick(REFERRERS, i * 11 + 5);
  const campaign = pick(CAMPAIGNS, i * 13 + 1);
  const userId = i % 4 === 0 ? `user_${i}` : null;
  // The page part of the context varies per event; the rest is fixed for the session.
  const fixedContext = JSON.stringify({
    userAgent: ua,
    locale,
    timezone,
    screen: { width, height },
    library: { name: '@headcount/browser', version: '0.1.0' },
    sessionId,
    ...(campaign ? { campaign } : {}),
    ...(i % 17 === 0 ? { clickIds: { gclid: `Cj0KCQiA${i.toString(36)}xyz` } } : {}),
  }).slice(1, -1);
  const identity = `"anonymousId":${JSON.stringify(anonymousId)}${userId ? `,"userId":${JSON.stringify(userId)}` : ''}`;
  return { identity, fixedContext, referrer, search: campaign ? `?utm_source=${campaign.source}&utm_medium=${campaign.medium}` : '' };
}

/** Pre-serialized page and track bodies (everything but identity, messageId, time and context). */
function makeTemplates() {
  const templates = [];
  for (const page of PAGES) {
    templates.push({
      page,
      head: `"type":"page","name":${JSON.stringify(page.title)},"properties":${JSON.stringify({ path: page.path, title: page.title })}`,
    });
  }
  for (const [k, product] of PRODUCTS.entries()) {
    const page = PAGES[2 + (k % 2)];
    templates.push({ page, head: `"type":"track","event":"Product Viewed","properties":${JSON.stringify({ ...product, currency: 'EUR' })}` });
    templates.push({
      page,
      head: `"type":"track","event":"Product Added","properties":${JSON.stringify({ ...product, currency: 'EUR', quantity: 1 + (k % 2), cart_id: `cart-${k}` })}`,
    });
  }
  templates.push({ page: PAGES[5], head: `"type":"track","event":"Order Completed","properties":${JSON.stringify({ order_id: 'o-123', total: 218.5, revenue: 200.0, shipping: 8.5, tax: 10.0, currency: 'EUR', products: PRODUCTS.slice(0, 2).map((p) => ({ product_id: p.product_id, price: p.price, quantity: 1 })) })}` });
  templates.push({ page: PAGES[6], head: `"type":"track","event":"Newsletter Signup","properties":{"source":"footer","list":"weekly"}` });
  return templates;
}

// Between two events of a batch: a browser's queue holds seconds of activity, not one instant.
const TICK_MS = 37;

/**
 * A generator of unique events. `host` is the site's origin. messageIds have the shape and length of the UUIDs that
 * Segment's and RudderStack's libraries send (36 characters: the run and the event's number) and
 * never repeat within a run, so every event the collector accepts is new (nothing is a duplicate).
 */
export function createEventFactory({ sessions = 1000, sessionsPerBatch = 10, host = 'https://shop.example' } = {}) {
  const runId = randomBytes(4).toString('hex');
  const visitorSessions = Array.from({ length: sessions }, (_, i) => makeSession(runId, i));
  const templates = makeTemplates();
  const trackTemplates = templates.filter((t) => t.head.startsWith('"type":"track"'));
  let counter = 0;
  let sessionCursor = 0;

  /** One event as a JSON string; `timestamp` is its ISO time; `slot` picks its session. */
  function eventJson(timestamp, from = templates, slot = 0) {
    const n = counter++;
    const messageId = `${runId}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const session = visitorSessions[(sessionCursor + slot) % visitorSessions.length];
    const template = from[n % from.length];
    const url = `${host}${template.page.path}${session.search}`;
    const page = `"page":{"url":${JSON.stringify(url)},"path":${JSON.stringify(template.page.path)},"search":${JSON.stringify(session.search)},"referrer":${JSON.stringify(session.referrer)},"title":${JSON.stringify(template.page.title)}}`;
    return `{${template.head},"messageId":"${messageId}",${session.identity},"timestamp":"${timestamp}","context":{${page},${session.fixedContext}}}`;
  }

  return {
    runId,
    /** `{batch: [...], sentAt}` with `size` events. */
    batchBody(size) {
      const now = new Date();
      const parts = new Array(size);
      // A batch carries the queues of `sessionsPerBatch` visitors (a browser flush is 1; a server-side forwarder many),
      // each event stamped when it happened: the last one 250 ms before the send, the others TICK_MS apart before it.
      sessionCursor = (sessionCursor + sessionsPerBatch) % visitorSessions.length;
      const last = now.getTime() - 250;
      for (let i = 0; i < size; i++) {
        parts[i] = eventJson(new Date(last - (size - 1 - i) * TICK_MS).toISOString(), templates, i % sessionsPerBatch);
      }
      return `{"batch":[${parts.join(',')}],"sentAt":"${now.toISOString()}"}`;
    },
    /** One track event with its own `sentAt`, as POST /v1/track takes it. */
    trackBody() {
      const now = new Date();
      sessionCursor = (sessionCursor + 37) % visitorSessions.length;
      const json = eventJson(new Date(now.getTime() - 50).toISOString(), trackTemplates);
      return `${json.slice(0, -1)},"sentAt":"${now.toISOString()}"}`;
    },
  };
}
