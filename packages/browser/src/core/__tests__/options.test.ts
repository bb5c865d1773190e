import { describe, expect, it } from 'vitest';
import { captureAttribution } from '../attribution';
import { configure } from '../options';
import { parseRetryAfter, retryDelay } from '../retryPolicy';

describe('configure', () => {
  it('applies the documented defaults, in ms', () => {
    expect(configure({ writeKey: 'k' })).toEqual({
      writeKey: 'k',
      endpoint: '/v1/batch',
      isKiosk: false,
      idle: 1_800_000,
      maxDuration: 43_200_000,
      pageviews: true,
      clicks: false,
      perBatch: 20,
      interval: 2_000,
      cap: 10_000,
      honourDnt: false,
      memory: false,
      verbose: false,
    });
  });

  it('kiosk mode idles after 60 s; idleTimeout allows fractions with a 1 s minimum', () => {
    expect(configure({ writeKey: 'k', kiosk: true }).idle).toBe(60_000);
    expect(configure({ writeKey: 'k', idleTimeout: 2.5 }).idle).toBe(2_500);
    expect(configure({ writeKey: 'k', idleTimeout: 0.1 }).idle).toBe(1_000);
  });

  it('reads data-* attribute strings', () => {
    const cfg = configure({
      writeKey: 'k',
      host: 'https://c.example/',
      kiosk: '' as never,
      debug: 'debug' as never,
      respectDoNotTrack: '0' as never,
      idleTimeout: '90' as never,
      autoPageviews: 'false' as never,
      trackClicks: 'true' as never,
      batchSize: 'abc' as never,
      storage: 'memory',
    });
    expect(cfg).toMatchObject({
      endpoint: 'https://c.example/v1/batch',
      isKiosk: true,
      verbose: true,
      honourDnt: false,
      idle: 90_000,
      pageviews: false,
      clicks: true,
      perBatch: 20,
      memory: true,
    });
  });

  it('reads the script tag\'s short names data-max-session and data-respect-dnt', () => {
    expect(configure({ writeKey: 'k', maxSession: '60' } as never)).toMatchObject({ maxDuration: 60_000, honourDnt: false });
    expect(configure({ writeKey: 'k', respectDnt: 'true' } as never)).toMatchObject({ maxDuration: 43_200_000, honourDnt: true });
  });
});

describe('captureAttribution', () => {
  it('reads utm parameters into campaign and known click ids into clickIds', () => {
    const params = new URLSearchParams(
      '?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&gclid=G1&li_fat_id=L1&fbclid=F1&page=2',
    );
    expect(captureAttribution(params as unknown as Iterable<[string, string]>)).toEqual({
      campaign: { source: 'newsletter', medium: 'email', name: 'spring', term: 'shoes', content: 'hero' },
      clickIds: { gclid: 'G1', li_fat_id: 'L1', fbclid: 'F1' },
    });
  });

  it('captures every supported click id and nothing for a plain URL', () => {
    const ids = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid', 'dclid'];
    expect(Object.keys(captureAttribution(ids.map((id) => [id, 'x'] as [string, string])).clickIds!)).toEqual(ids);
    expect(captureAttribution([['q', 'shoes']])).toEqual({});
  });
});

describe('retryPolicy', () => {
  it('caps the jitter ceiling at 5 minutes and floors the delay at 1 s', () => {
    expect(retryDelay(0, 1, 0)).toBe(1_000);
    expect(retryDelay(3, 1, 0)).toBe(8_000);
    expect(retryDelay(30, 1, 0)).toBe(300_000);
    expect(retryDelay(30, 0, 0)).toBe(1_000);
    expect(retryDelay(4, 0.5, 0)).toBe(8_000);
  });

  it('never retries before Retry-After', () => {
    expect(retryDelay(0, 1, 120_000)).toBe(120_000);
    const now = Date.UTC(2026, 0, 1);
    expect(parseRetryAfter('12', now)).toBe(12_000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('garbage', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBe(0);
    expect(parseRetryAfter('', now)).toBe(0);
  });
});
