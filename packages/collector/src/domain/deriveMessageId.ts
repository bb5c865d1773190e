import { createHash } from 'node:crypto';

/**
 * An event sent without `messageId` gets one derived from what was sent (the event and the batch
 * facts that apply to it), so a caller that retries the identical request still stores it once.
 */
export function deriveMessageId(event: unknown, batch: { sentAt?: string | undefined; context?: unknown }): string {
  const hash = createHash('sha256').update(JSON.stringify(event));
  if (batch.sentAt !== undefined) hash.update(`\nsentAt:${batch.sentAt}`);
  if (batch.context !== undefined) hash.update(`\ncontext:${JSON.stringify(batch.context)}`);
  return `hc-${hash.digest('hex').slice(0, 40)}`;
}
