import { countSketch, emptySketch, mergeSketches, sketchOf, type VisitorSketch } from './visitorSketch';

/**
 * What the dashboard counts per time bucket and per key of a dimension. A visit counts in the bucket it
 * started in, with every event it holds; `events` is the events of the key itself (page views of a page,
 * sends of an event name), `sessionEvents` the events of the visits counted.
 */
export interface Measures {
  sessions: number;
  /** Visits with at most one page view. */
  bounces: number;
  durationSeconds: number;
  sessionEvents: number;
  pageviews: number;
  events: number;
}

/** The dimensions rolled up: `total` (one key, ''), a visit's facts, and the page views and events it holds. */
export const DIMENSIONS = ['total', 'entry', 'exit', 'channel', 'source', 'campaign', 'browser', 'os', 'device', 'endReason',
  'duration', 'eventsPerSession', 'touch', 'page', 'event'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Filters a view often has one of: the visits each value keeps are rolled up too, as a segment. */
export const SEGMENT_FILTERS = ['channel', 'source', 'campaign', 'device', 'browser', 'os'] as const;
export type SegmentFilter = (typeof SEGMENT_FILTERS)[number];

/** The segment of the visits a filter keeps (`source=google`); '' is every visit. */
export const segmentName = (filter: SegmentFilter, value: string) => `${filter}=${value}`;

/** Tallies name a segment's dimension `${segment}\u0000${dim}`; the plain name is every visit's. */
export const segmentedDim = (segment: string, dim: string) => (segment === '' ? dim : `${segment}\u0000${dim}`);
export function splitDim(name: string): { segment: string; dim: string } {
  const at = name.lastIndexOf('\u0000');
  return at < 0 ? { segment: '', dim: name } : { segment: name.slice(0, at), dim: name.slice(at + 1) };
}

/** Ordered buckets of the kiosk distributions: [label, upper bound (exclusive for seconds, inclusive for counts)]. */
export const DURATION_BUCKETS: Array<[string, number]> = [['<10s', 10], ['10-30s', 30], ['30s-1m', 60], ['1-3m', 180],
  ['3-10m', 600], ['10-30m', 1800], ['30m+', Infinity]];
export const EVENTS_BUCKETS: Array<[string, number]> = [['1', 1], ['2-5', 5], ['6-10', 10], ['11-20', 20], ['21+', Infinity]];

export const durationBucket = (seconds: number) => DURATION_BUCKETS.find(([, below]) => seconds < below)![0];
export const eventsBucket = (count: number) => EVENTS_BUCKETS.find(([, upTo]) => count <= upTo)![0];

/** A key's measures while they are being added up: visitors as hashes added and sketches merged. */
export interface Tally extends Measures {
  hashes: number[];
  sketch: VisitorSketch;
}

const zero = (): Tally => ({ sessions: 0, bounces: 0, durationSeconds: 0, sessionEvents: 0, pageviews: 0, events: 0, hashes: [], sketch: emptySketch() });

function addMeasures(into: Measures, measures: Partial<Measures>): void {
  for (const name of MEASURES) into[name] += measures[name] ?? 0;
}
const MEASURES = ['sessions', 'bounces', 'durationSeconds', 'sessionEvents', 'pageviews', 'events'] as const;

/** Measures per bucket label, dimension and key (null keys included: a visit without a source, say). */
export class Tallies {
  readonly buckets = new Map<string, Map<string, Map<string | null, Tally>>>();

  tally(bucket: string, dim: string, key: string | null): Tally {
    let dims = this.buckets.get(bucket);
    if (!dims) this.buckets.set(bucket, (dims = new Map()));
    let keys = dims.get(dim);
    if (!keys) dims.set(dim, (keys = new Map()));
    let tally = keys.get(key);
    if (!tally) keys.set(key, (tally = zero()));
    return tally;
  }

  add(bucket: string, dim: string, key: string | null, measures: Partial<Measures>, visitor?: number, sketch?: VisitorSketch): void {
    const tally = this.tally(bucket, dim, key);
    addMeasures(tally, measures);
    if (visitor !== undefined) tally.hashes.push(visitor);
    if (sketch) tally.sketch = mergeSketches(tally.sketch, sketch);
  }

  /** One dimension's keys summed over every bucket. */
  across(dim: string): Map<string | null, Tally> {
    const out = new Map<string | null, Tally>();
    for (const dims of this.buckets.values()) {
      for (const [key, tally] of dims.get(dim) ?? []) {
        const sum = out.get(key) ?? zero();
        out.set(key, sum);
        addMeasures(sum, tally);
        for (const hash of tally.hashes) sum.hashes.push(hash);
        sum.sketch = mergeSketches(sum.sketch, tally.sketch);
      }
    }
    return out;
  }
}

/** A tally's visitors as one sketch. */
export const visitorsOf = (tally: Tally): VisitorSketch => mergeSketches(tally.sketch, sketchOf(tally.hashes));

/** A tally's visitors counted, and whether that count is an estimate. */
export function countVisitors(tally: Tally): { visitors: number; approximate: boolean } {
  const sketch = visitorsOf(tally);
  return { visitors: countSketch(sketch), approximate: sketch.kind === 'approximate' };
}
