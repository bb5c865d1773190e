import { describe, expect, it } from 'vitest';
import { linksIn, personOf } from '../linkedIds';

describe('linked ids', () => {
  it('reads the links events carry: both ids, and an alias', () => {
    expect(linksIn([
      { type: 'identify', anonymousId: 'phone', userId: 'ada' },
      { type: 'track', anonymousId: 'laptop', userId: null },
      { type: 'alias', anonymousId: null, userId: 'ada', previousId: 'ada-old' },
    ])).toEqual([['phone', 'ada'], ['ada-old', 'ada']]);
  });

  it('groups ids into people whatever the order of the links', () => {
    const links: Array<[string, string]> = [['phone', 'ada'], ['laptop', 'ada-old'], ['ada-old', 'ada'], ['kiosk', 'grace']];
    for (const order of [links, [...links].reverse()]) {
      const person = personOf(order);
      expect(['phone', 'laptop', 'ada', 'ada-old'].map(person)).toEqual(['ada', 'ada', 'ada', 'ada']);
      expect([person('kiosk'), person('grace'), person('stranger')]).toEqual(['grace', 'grace', 'stranger']);
    }
  });
});
