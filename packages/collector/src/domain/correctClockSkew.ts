/**
 * The event's real time, from the client's clock corrected by how far that clock is off:
 * `receivedAt - (sentAt - originalTimestamp)`. A kiosk with a wrong clock, or a queue replayed
 * hours later, still lands at the right time. Without `sentAt` the client time is trusted,
 * but never later than `receivedAt`.
 */
export function correctClockSkew(originalTimestamp: Date | null, sentAt: Date | null, receivedAt: Date): Date {
  const received = receivedAt.getTime();
  if (!originalTimestamp) return new Date(received);
  const original = originalTimestamp.getTime();
  if (!sentAt) return new Date(Math.min(original, received));
  const delay = sentAt.getTime() - original;
  // A call cannot be sent before it was made; a negative delay means a broken client, so trust nothing but receipt.
  return new Date(delay >= 0 ? received - delay : received);
}
