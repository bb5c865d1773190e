import { zonedParts, zonedTime } from './zonedTime';

export type Preset = 'today' | '24h' | '7d' | '30d' | 'custom';
export const PRESETS: Array<{ value: Preset; label: string }> = [
  { value: 'today', label: 'Today' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom' },
];

export type Interval = 'minute' | 'hour' | 'day';

export interface Range { from: Date; to: Date; interval: Interval }

export interface RangeChoice {
  preset: Preset;
  /** Custom range, first and last day included, as `YYYY-MM-DD` in the zone. */
  fromDate?: string;
  toDate?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function dayStart(at: Date, timeZone: string, daysBack: number): Date {
  const p = zonedParts(at, timeZone);
  return zonedTime(p.year, p.month, p.day - daysBack, timeZone);
}

function parseDay(value: string | undefined): [number, number, number] | undefined {
  const match = value?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** The instants a choice covers in a zone, and the chart interval that fits it. */
export function resolveRange(choice: RangeChoice, timeZone: string, now: Date): Range {
  switch (choice.preset) {
    case 'today':
      return { from: dayStart(now, timeZone, 0), to: now, interval: 'hour' };
    case '24h':
      return { from: new Date(now.getTime() - DAY), to: now, interval: 'hour' };
    case '7d':
      return { from: dayStart(now, timeZone, 6), to: now, interval: 'day' };
    case 'custom': {
      const first = parseDay(choice.fromDate);
      const last = parseDay(choice.toDate);
      if (first && last) {
        const from = zonedTime(first[0], first[1], first[2], timeZone);
        const to = zonedTime(last[0], last[1], last[2] + 1, timeZone);
        if (from < to) return { from, to, interval: to.getTime() - from.getTime() <= 2 * DAY ? 'hour' : 'day' };
      }
      return resolveRange({ preset: '7d' }, timeZone, now);
    }
    default:
      return { from: dayStart(now, timeZone, 29), to: now, interval: 'day' };
  }
}

/** The period of the same length just before, for "against the previous period". */
export function previousRange(range: Range): Range {
  const length = range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - length), to: range.from, interval: range.interval };
}
