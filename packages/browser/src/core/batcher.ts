/** Sends one batch and reads the collector's verdict on each event: acknowledged, dropped, or to retry. */
import type { IngestResponse } from '@headcount/schema';
import type { Item, Reply } from './ports';

export interface Outcome {
  /** Stored or duplicate: delete from the queue. */
  acked: Item[];
  /** Refused for good: delete and report, with the collector's code and message. */
  dropped: Array<[item: Item, code: string, message?: string]>;
  accepted: number;
  duplicates: number;
  /** Set when the rest must wait: ms the server asked for (`Retry-After`), else 0. */
  retry?: number;
}

/**
 * Posts `items` and classifies the answer. A 400 or 413 on a multi-event request is split in half
 * and each half retried, so one bad or huge event never takes its neighbours down with it.
 */
export async function deliver(
  items: Item[],
  post: (items: Item[]) => Promise<Reply | undefined>,
  retryAfter: (header: string | null | undefined) => number,
): Promise<Outcome> {
  const out: Outcome = { acked: [], dropped: [], accepted: 0, duplicates: 0 };
  const run = async (part: Item[]): Promise<unknown> => {
    let reply: Reply | undefined;
    try {
      reply = await post(part);
    } catch {
      return (out.retry = 0);
    }
    // Went by sendBeacon: no verdict; the events stay queued and the collector dedupes a resend.
    if (!reply) return;
    const { status, body } = reply;
    if (status >= 200 && status < 300) {
      const res = (body || {}) as Partial<IngestResponse>;
      const bad = res.rejected || [];
      part.forEach((item, i) => {
        const r = bad.find((x) => x.index === i);
        r ? out.dropped.push([item, r.error.code, r.error.message]) : out.acked.push(item);
      });
      out.accepted += res.accepted || 0;
      out.duplicates += res.duplicates || 0;
    } else if (status === 400 || status === 413) {
      if (part.length > 1) {
        const half = part.length >> 1;
        await run(part.slice(0, half));
        if (out.retry == null) await run(part.slice(half));
      } else {
        const error = (body as { error?: { code: string; message: string } } | undefined)?.error;
        out.dropped.push([part[0]!, error?.code || (status === 413 ? 'payload_too_large' : 'invalid_body'), error?.message]);
      }
    } else {
      out.retry = retryAfter(reply.retryAfter);
    }
    return;
  };
  await run(items);
  return out;
}
