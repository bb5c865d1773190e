import { describe, expect, it } from 'vitest';
import { previousRange, resolveRange } from '../ranges';
import { zonedTime } from '../zonedTime';

const now = new Date('2026-03-29T10:30:00Z');

describe('resolveRange', () => {
  it('starts today at midnight in the zone', () => {
    expect(resolveRange({ preset: 'today' }, 'Asia/Tokyo', now)).toEqual({ from: new Date('2026-03-28T15:00:00Z'), to: now, interval: 'hour' });
    expect(resolveRange({ preset: 'today' }, 'UTC', now).from).toEqual(new Date('2026-03-29T00:00:00Z'));
  });

  it('counts whole days back across a DST change (Paris moves to UTC+2 on 2026-03-29)', () => {
    expect(resolveRange({ preset: '7d' }, 'Europe/Paris', now)).toEqual({ from: new Date('2026-03-22T23:00:00Z'), to: now, interval: 'day' });
    expect(zonedTime(2026, 3, 30, 'Europe/Paris')).toEqual(new Date('2026-03-29T22:00:00Z'));
  });

  it('takes the last 24 hours and 30 days', () => {
    expect(resolveRange({ preset: '24h' }, 'UTC', now).from).toEqual(new Date('2026-03-28T10:30:00Z'));
    expect(resolveRange({ preset: '30d' }, 'UTC', now).from).toEqual(new Date('2026-02-28T00:00:00Z'));
  });

  it('includes the last day of a custom range, by hour when short', () => {
    expect(resolveRange({ preset: 'custom', fromDate: '2026-01-05', toDate: '2026-01-05' }, 'America/New_York', now))
      .toEqual({ from: new Date('2026-01-05T05:00:00Z'), to: new Date('2026-01-06T05:00:00Z'), interval: 'hour' });
    expect(resolveRange({ preset: 'custom', fromDate: '2026-01-01', toDate: '2026-01-31' }, 'UTC', now).interval).toBe('day');
    // Incomplete or reversed: the last 7 days.
    expect(resolveRange({ preset: 'custom', fromDate: '2026-01-31', toDate: '2026-01-01' }, 'UTC', now).interval).toBe('day');
  });

  it('compares with the period of the same length just before', () => {
    const range = { from: new Date('2026-03-22T00:00:00Z'), to: new Date('2026-03-29T00:00:00Z'), interval: 'day' as const };
    expect(previousRange(range)).toEqual({ from: new Date('2026-03-15T00:00:00Z'), to: range.from, interval: 'day' });
  });
});
