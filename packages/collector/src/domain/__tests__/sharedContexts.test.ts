import { describe, expect, it } from 'vitest';
import { normalizeEvent, sameJsonValue } from '../normalizeEvent';

describe('sameJsonValue', () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ['the same object, keys in another order', { a: 1, b: { c: [1, 'x', null] } }, { b: { c: [1, 'x', null] }, a: 1 }, true],
    ['a key more', { a: 1 }, { a: 1, b: 2 }, false],
    ['a key less', { a: 1, b: 2 }, { a: 1 }, false],
    ['a nested value changed', { s: { w: 1440 } }, { s: { w: 1441 } }, false],
    ['a string and a number', { a: '1' }, { a: 1 }, false],
    ['null and an empty object', { a: null }, { a: {} }, false],
    ['an array and an object', { a: [] }, { a: {} }, false],
    ['arrays in another order', [1, 2], [2, 1], false],
    ['arrays of other lengths', [1], [1, 1], false],
    ['a key named __proto__', JSON.parse('{"__proto__":{"x":1}}'), JSON.parse('{"__proto__":{"x":2}}'), false],
  ];
  for (const [name, a, b, same] of cases) {
    it(`${same ? 'matches' : 'tells apart'} ${name}`, () => {
      expect(sameJsonValue(a, b)).toBe(same);
      expect(sameJsonValue(b, a)).toBe(same);
    });
  }
});

describe('shared contexts at intake', () => {
  const facts = { receivedAt: new Date('2026-12-01T10:00:00Z') };
  const event = (messageId: string, context: Record<string, unknown>) =>
    normalizeEvent({ type: 'track', event: 'Tapped', messageId, anonymousId: 'a', context } as never, facts);
  const visit = { sessionId: 's-1', userAgent: 'UA', screen: { width: 1440, height: 900 } };

  it('names one entry for a visit\'s events, and another as soon as one field differs', () => {
    const first = event('m1', { ...visit, page: { path: '/' } });
    const second = event('m2', { page: { path: '/b' }, screen: { height: 900, width: 1440 }, userAgent: 'UA', sessionId: 's-1' });
    const changed = event('m3', { ...visit, screen: { width: 1440, height: 901 } });
    const back = event('m4', { ...visit });
    expect(second.sharedContext).toBe(first.sharedContext);
    expect(changed.sharedContext?.key).not.toBe(first.sharedContext?.key);
    expect(JSON.parse(changed.sharedContext?.json as string)).toEqual({ ...visit, screen: { width: 1440, height: 901 } });
    expect(back.sharedContext?.key).toBe(first.sharedContext?.key);
    // Each event reads its own page over the shared part.
    expect(second.context).toEqual({ ...visit, page: { path: '/b' } });
    expect(changed.context).toEqual({ ...visit, screen: { width: 1440, height: 901 } });
  });
});
