import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far past what a full collection left alive V8 may let the old generation grow before the next one, in percent.
 *
 * Node sizes V8's heap from the machine's memory (or a container's limit). From a heap limit of 2 GB up (a machine of
 * 4 GB or more) V8 allows up to 4× the live size; below it scales down to 1.3×. Under sustained ingest the collector's
 * live heap is small and its garbage (events already committed) large, so on a big machine its RSS peaked at 170–210 MB,
 * against 100–125 MB on 512 MB–2 GB. At 1.5× it peaks at 130–142 MB (137 in 4 GB) at the same CPU per event (docs/scaling.md):
 * unlike a smaller young generation, a tighter old generation costs only a few more full collections of a small heap.
 */
export const HEAP_GROWING_PERCENT = 50;

// Below this heap limit V8's own factor is 1.5× or less: it scales from 1.3× at 256 MB to 2× just under 2 GB (V8 11.3,
// Node 20, from the old generation's limit; newer V8 also weighs the machine's memory). Above it the flag lowers it.
const LIMITED_FROM_HEAP_BYTES = 768 * 1024 * 1024;

// The operator's own heap setting wins: a heap limit also sets V8's growing factor, and --optimize-for-size asks for
// V8's most frugal one (which the flag would replace: it fixes the factor, it does not cap it).
const OPERATOR_HEAP_FLAG = /--(?:max[-_]old[-_]space[-_]size|max[-_]heap[-_]size|heap[-_]growing[-_]percent|optimize[-_]for[-_]size)\b/;

export interface HeapFacts {
  /** The node flags the process started with: process.execArgv and NODE_OPTIONS. */
  flags: readonly string[];
  /** V8's heap limit in bytes (getHeapStatistics().heap_size_limit). */
  heapLimitBytes: number;
}

/** The V8 flag a long-running collector sets, or null when the operator set their own or V8's factor is already low. */
export function heapGrowthFlag({ flags, heapLimitBytes }: HeapFacts): string | null {
  if (flags.some((flag) => OPERATOR_HEAP_FLAG.test(flag))) return null;
  if (heapLimitBytes < LIMITED_FROM_HEAP_BYTES) return null;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

let set: string | null = null;

/**
 * Bounds the old generation's growth for `headcount serve` (and `pnpm start`), not for one-shot commands or an app
 * that embeds the collector. V8 reads this flag at every full collection, so setting it after start takes effect
 * (heapGrowth.test reads the factor V8 applied in its trace). The factor is then 1.5× in every mode, also where V8
 * would take less: when idle, its memory reducer would shrink the heap to 1.1× what is alive (a few MB of a ~40 MB
 * live heap). Returns the flag it set, or null.
 */
export function limitHeapGrowth(): string | null {
  const flag = heapGrowthFlag({
    flags: [...process.execArgv, process.env.NODE_OPTIONS ?? ''],
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  });
  if (flag !== null) setFlagsFromString(flag);
  set = flag;
  return flag;
}

/** The flag limitHeapGrowth set in this process, if any: `collector listening` names it. */
export function heapGrowthSet(): string | null {
  return set;
}
