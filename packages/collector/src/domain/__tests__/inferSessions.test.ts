import { describe, expect, it } from 'vitest';
import { inferSessions, sessionOpenAt, type VisitItem } from '../inferSessions';
import { attributeLanding } from '../visitBoundary';

const SITE = ['shop.example'];
const MIN = 60_000;
const T0 = Date.parse('2026-04-01T08:00:00.000Z');

/** A page view `minutes` after T0 with the given referrer and query ('' referrer: direct). */
const view = (key: string, minutes: number, referrer: string, search = ''): VisitItem<string> => ({
  ref: key,
  key,
  timestamp: new Date(T0 + minutes * MIN),
  landing: attributeLanding({ page: { url: `https://shop.example/${search}`, referrer } }, SITE),
  stored: null,
});
/** Activity that does not know its page (a track with a user agent only). */
const action = (key: string, minutes: number): VisitItem<string> => ({ ref: key, key, timestamp: new Date(T0 + minutes * MIN), landing: null, stored: null });

let ids = 0;
const newId = () => `v${++ids}`;
const groups = (items: ReadonlyArray<VisitItem<string>>) => inferSessions(items, newId).map((v) => v.items.map((i) => i.ref));

/** Feeds the items one at a time, each time regrouping the stored ones with the newcomer, as the collector does. */
function arriveInOrder(items: ReadonlyArray<VisitItem<string>>): string[][] {
  let stored: Array<VisitItem<string>> = [];
  for (const item of items) {
    const visits = inferSessions([...stored, { ...item, stored: null }], newId);
    stored = visits.flatMap((v) => v.items.map((i) => ({ ...i, stored: v.id })));
  }
  const byVisit = new Map<string, string[]>();
  for (const item of [...stored].sort((a, b) => +a.timestamp - +b.timestamp)) byVisit.set(item.stored as string, [...(byVisit.get(item.stored as string) ?? []), item.ref]);
  return [...byVisit.values()].sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('inferSessions', () => {
  it('ends a visit after 30 minutes of inactivity', () => {
    expect(groups([view('a', 0, ''), action('b', 30), action('c', 61)])).toEqual([['a', 'b'], ['c']]);
  });

  it('starts a visit at a new external touch within 30 minutes, never at internal or direct navigation', () => {
    expect(groups([
      view('linkedin', 0, 'https://www.linkedin.com/', '?li_fat_id=1'),
      view('internal', 3, 'https://shop.example/'),
      view('direct', 5, ''),
      view('google', 18, 'https://www.google.com/'),
      view('google-again', 20, 'https://www.google.com/'),
      view('campaign', 25, '', '?utm_source=newsletter&utm_medium=email&utm_campaign=may'),
      view('same-campaign', 27, '', '?utm_source=newsletter&utm_medium=email&utm_campaign=may'),
      view('new-click', 28, '', '?utm_source=newsletter&utm_medium=email&utm_campaign=may&gclid=x'),
    ])).toEqual([['linkedin', 'internal', 'direct'], ['google', 'google-again'], ['campaign', 'same-campaign'], ['new-click']]);
  });

  it('lets a landing give a visit that began without a known page its source instead of ending it', () => {
    expect(groups([action('identify', 0), view('google', 0.01, 'https://www.google.com/'), view('linkedin', 5, 'https://www.linkedin.com/')]))
      .toEqual([['identify', 'google'], ['linkedin']]);
  });

  it('gives the same visits in every arrival order', () => {
    const items = [
      view('a', 0, 'https://www.linkedin.com/'),
      action('b', 10),
      view('c', 18, 'https://www.google.com/'),
      action('d', 25),
      view('e', 40, 'https://www.google.com/'),
      view('f', 71, ''),
    ];
    const expected = groups(items);
    expect(expected).toEqual([['a', 'b'], ['c', 'd', 'e'], ['f']]);
    for (const order of permutations(items)) expect(arriveInOrder(order)).toEqual(expected);
  });

  it('keeps the stored session of a visit, and gives a split-off visit a new id', () => {
    const stored = (item: VisitItem<string>, id: string) => ({ ...item, stored: id });
    const visits = inferSessions([
      stored(view('a', 0, 'https://www.linkedin.com/'), 's1'),
      stored(action('b', 20), 's1'),
      view('late-google', 15, 'https://www.google.com/'),
    ], () => 'new');
    expect(visits.map((v) => [v.id, v.items.map((i) => i.ref)])).toEqual([['s1', ['a']], ['new', ['late-google', 'b']]]);
  });
});

describe('sessionOpenAt', () => {
  const span = (id: string, start: number, last: number, ended: number | null = null) => ({
    id, startedAt: new Date(T0 + start * MIN), lastSeenAt: new Date(T0 + last * MIN), endedAt: ended === null ? null : new Date(T0 + ended * MIN),
  });
  const openAt = (minutes: number) => sessionOpenAt([span('first', 0, 5), span('second', 18, 20), span('ended', 100, 101, 101)], new Date(T0 + minutes * MIN));

  it('answers the latest session started by then and active within 30 minutes, or none', () => {
    expect([openAt(-1), openAt(10), openAt(19), openAt(50), openAt(51), openAt(100.5), openAt(102)]).toEqual([null, 'first', 'second', 'second', null, 'ended', null]);
  });
});
