/** Sends one batch and reads the collector's verdict on each event: acknowledged, dropped, or to retry. */
import type { IngestResponse } from '@headcount/schema';
import type { Item, Reply } from './ports';

/**
 * The collector's verdicts on one batch: acknowledged (stored or duplicate: delete from the queue),
 * refused for good (delete and report, with the collector's code and message), the counts it
 * reported, and, when the rest must wait, the ms it asked for (`Retry-After`, else 0). A tuple: its
 * parts become locals in the bundle.
 */
export type Outcome = [
  acked: Item[],
  dropped: Array<[item: Item, code: string, message?: string]>,
  accepted: number,
  duplicates: number,
  retry: number | undefined,
];

/**
 * Posts `items` and classifies the answer. A 400 or 413 on a multi-event request is split in half
 * and each half retried, so one bad or huge event never takes its neighbours down with it.
 */
export async function deliver(
  items: Item[],
  post: (items: Item[]) => Promise<Reply | undefined>,
  retryAfter: (header: string | null | undefined) => number,
): Promise<Outcome> {
  const acked: Item[] = [];
  const dropped: Outcome[1] = [];
  let accepted = 0;
  let duplicates = 0;
  let retry: number | undefined;
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
        r ? dropped.push([item, r.error.code, r.error.message]) : acked.push(item);
      });
      accepted += body.accepted;
      duplicates += body.duplicates || 0;
    } else if (status == 413 || (status == 400 && error)) {
      if (part[1]) {
        const half = part.length >> 1;
        await run(part.slice(0, half));
        retry ?? (await run(part.slice(half)));
      } else {
        dropped.push([part[0]!, error?.code || (status == 413 ? 'payload_too_large' : 'invalid_body'), error?.message]);
      }
    } else {
      retry = retryAfter(reply.retryAfter);
    }
  };
  await run(items);
  return [acked, dropped, accepted, duplicates, retry];
}
