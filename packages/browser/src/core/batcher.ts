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
    // A network failure is a failure without Retry-After.
    const reply = await post(part).catch(() => ({ status: 0 }) as Reply);
    // Went by sendBeacon: no verdict; the events stay queued and the collector dedupes a resend.
    if (!reply) return;
    const { status } = reply;
    const body = reply.body as Partial<IngestResponse & { error: { code: string; message: string } }> | undefined;
    const error = body?.error;
    // Only the collector's JSON acknowledges: a captive portal, a proxy page or an SPA's index.html answered with 200 is a failure.
    if (status < 300 && body?.ok === true && typeof body.accepted == 'number') {
      part.forEach((item, i) => {
        const r = body.rejected?.find((x) => x.index === i);
        r ? out.dropped.push([item, r.error.code, r.error.message]) : out.acked.push(item);
      });
      out.accepted += body.accepted;
      out.duplicates += body.duplicates || 0;
    } else if (status == 413 || (status == 400 && error)) {
      if (part[1]) {
        const half = part.length >> 1;
        await run(part.slice(0, half));
        out.retry ?? (await run(part.slice(half)));
      } else {
        out.dropped.push([part[0]!, error?.code || (status == 413 ? 'payload_too_large' : 'invalid_body'), error?.message]);
      }
    } else {
      out.retry = retryAfter(reply.retryAfter);
    }
  };
  await run(items);
  return out;
}
