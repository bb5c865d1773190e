import { describe, expect, it } from 'vitest';
import { attribute } from '../index';

const LANDING = 'https://shop.example/landing';
const touchOf = (referrer: string | null, query: string) => {
  const { touch, clickIds } = attribute({ referrer, pageUrl: `${LANDING}?${query}`, internalHosts: ['shop.example'] });
  return [touch?.type, touch?.source, touch?.host, clickIds];
};

describe('a click id under the referrer of another network', () => {
  it('is classified by the referrer, and the click id is kept', () => {
    expect(touchOf('https://www.google.com/', 'li_fat_id=old')).toEqual(['search', 'google', 'www.google.com', { li_fat_id: 'old' }]);
    expect(touchOf('https://www.linkedin.com/feed/', 'gclid=shared')).toEqual(['social', 'linkedin', 'www.linkedin.com', { gclid: 'shared' }]);
    expect(touchOf('https://www.bing.com/', 'ttclid=t1')).toEqual(['search', 'bing', 'www.bing.com', { ttclid: 't1' }]);
  });

  it('stays paid without a referrer, from its own network, its ad partners or a publisher site', () => {
    expect(touchOf(null, 'li_fat_id=x')).toEqual(['paid', 'linkedin', null, { li_fat_id: 'x' }]);
    expect(touchOf('https://www.linkedin.com/', 'li_fat_id=x')).toEqual(['paid', 'linkedin', 'www.linkedin.com', { li_fat_id: 'x' }]);
    expect(touchOf('https://www.youtube.com/', 'gclid=x')).toEqual(['paid', 'google', 'www.youtube.com', { gclid: 'x' }]);
    expect(touchOf('https://duckduckgo.com/', 'msclkid=x')).toEqual(['paid', 'microsoft', 'duckduckgo.com', { msclkid: 'x' }]);
    expect(touchOf('https://news.example-publisher.com/article', 'gclid=x')).toEqual(['paid', 'google', 'news.example-publisher.com', { gclid: 'x' }]);
    expect(touchOf('https://shop.example/', 'gclid=x')).toEqual(['paid', 'google', 'shop.example', { gclid: 'x' }]);
  });

  it('is still paid when the campaign says so', () => {
    expect(touchOf('https://www.google.com/', 'li_fat_id=x&utm_source=linkedin&utm_medium=paid_social')).toEqual(['paid', 'linkedin', 'www.google.com', { li_fat_id: 'x' }]);
  });
});
