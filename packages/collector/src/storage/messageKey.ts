/**
 * A messageId's dedupe key in event_ids (migration 0020, whose SQL twin is headcount_message_key), as COPY text:
 * a UUID in canonical lowercase form is a 0 byte and its 16 bytes, any other messageId a 1 byte and its UTF-8.
 * Bytea's hex form: `\x` then the bytes in hex, its backslash doubled for COPY.
 */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function messageKeyCopyText(messageId: string): string {
  return CANONICAL_UUID.test(messageId)
    ? `\\\\x00${messageId.replace(/-/g, '')}`
    : `\\\\x01${Buffer.from(messageId, 'utf8').toString('hex')}`;
}
