import { describe, expect, it } from 'vitest';
import { attributeLanding, showsVisitor, startsNewVisit } from '../visitBoundary';

const SITE = ['shop.example'];
const landing = (referrer: string, search = '') => attributeLanding({ page: { url: `https://shop.example/p${search}`, referrer } }, SITE);

describe('startsNewVisit', () => {
  const linkedinAd = landing('https://www.linkedin.com/', '?li_fat_id=a&utm_source=linkedin&utm_medium=paid_social&utm_campaign=q2');
  const cases: Array<[string, ReturnType<typeof landing>, boolean]> = [
    ['a referrer from another site', landing('https://www.google.com/'), true],
    ['a new click id', landing('https://www.linkedin.com/', '?li_fat_id=b&utm_source=linkedin&utm_medium=paid_social&utm_campaign=q2'), true],
    ['a new utm campaign', landing('', '?utm_source=linkedin&utm_medium=paid_social&utm_campaign=q3'), true],
    ['the landing reloaded', landing('https://www.linkedin.com/', '?li_fat_id=a&utm_source=linkedin&utm_medium=paid_social&utm_campaign=q2'), false],
    ['the landing referrer repeated by an SPA route change', landing('https://www.linkedin.com/'), false],
    ['internal navigation', landing('https://shop.example/'), false],
    ['internal links tagged with utm', landing('https://shop.example/', '?utm_campaign=banner'), false],
    ['direct navigation', landing(''), false],
  ];
  for (const [name, next, expected] of cases) it(`${expected ? 'starts' : 'does not start'} one at ${name}`, () => expect(startsNewVisit(linkedinAd, next)).toBe(expected));

  it('starts one from a direct or internal visit at any external touch', () => {
    expect(startsNewVisit(landing(''), landing('https://chatgpt.com/'))).toBe(true);
    expect(startsNewVisit(landing('https://shop.example/'), landing('', '?utm_campaign=spring'))).toBe(true);
  });
});

describe('showsVisitor', () => {
  it('tells activity on a device from a backend call', () => {
    expect(showsVisitor({ type: 'page', context: {} })).toBe(true);
    expect(showsVisitor({ type: 'screen', context: {} })).toBe(true);
    expect(showsVisitor({ type: 'track', context: { userAgent: 'Mozilla/5.0' } })).toBe(true);
    expect(showsVisitor({ type: 'track', context: { page: { url: 'https://shop.example/' } } })).toBe(true);
    expect(showsVisitor({ type: 'track', context: { app: { name: 'Shop' }, device: { type: 'ios' } } })).toBe(true);
    expect(showsVisitor({ type: 'track', context: { library: { name: '@segment/analytics-node', version: '2.1.0' } } })).toBe(false);
    expect(showsVisitor({ type: 'identify', context: {} })).toBe(false);
  });
});
