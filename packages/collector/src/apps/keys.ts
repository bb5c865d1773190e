import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random base62 token with `bytes` of entropy (rejection sampling keeps it uniform). */
function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export const newAppId = () => `app_${randomToken(12)}`;
/** Public, safe in a browser: it can only write. */
export const newWriteKey = () => `wk_${randomToken(24)}`;
/** Reads everything: shown once, stored as a hash. */
export const newSecretKey = () => `sk_${randomToken(40)}`;

const WRITE_KEY_SHAPE = /^wk_[0-9A-Za-z]{24}$/;
const SECRET_KEY_SHAPE = /^sk_[0-9A-Za-z]{40}$/;

/** True when `key` could be a write key this collector issued: anything else is refused before any lookup. */
export const isWriteKeyShaped = (key: string): boolean => key.length === 27 && WRITE_KEY_SHAPE.test(key);
/** True when `key` could be a secret key this collector issued. */
export const isSecretKeyShaped = (key: string): boolean => key.length === 43 && SECRET_KEY_SHAPE.test(key);

/**
 * The public part of a secret key that finds its app (`sk_` and 8 characters): looking it up reveals
 * nothing about the 32 characters that follow, which are only ever compared as a hash, in constant time.
 */
export function secretPrefixOf(secret: string): string {
  return secret.slice(0, 11);
}

/** Secret keys carry 238 bits of entropy, so a fast hash is enough (no password stretching needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
