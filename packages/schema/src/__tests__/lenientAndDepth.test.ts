import { describe, expect, it } from 'vitest';
import { exceedsDepth, maxJsonDepth, validateBatchContext, validateEvent } from '../index';

describe('lenient intake', () => {
  it('rewrites ids sent as numbers to their decimal strings, in place', () => {
    const event = { type: 'alias', userId: 42, previousId: 1.5, anonymousId: 1e21, context: { sessionId: 1764500000123 } };
    expect(validateEvent(event).ok).toBe(true);
    expect(event).toEqual({ type: 'alias', userId: '42', previousId: '1.5', anonymousId: '1000000000000000000000', context: { sessionId: '1764500000123' } });
  });

  it('reads type in any case and numeric strings as screen numbers, and leaves other strings to fail', () => {
    const event = { type: 'Page', anonymousId: 'a', context: { screen: { width: '1280', height: '720.5', density: '2' } } };
    expect(validateEvent(event).ok).toBe(true);
    expect(event).toMatchObject({ type: 'page', context: { screen: { width: 1280, height: 720.5, density: 2 } } });
    expect(validateEvent({ type: 'page', anonymousId: 'a', context: { screen: { width: 'wide' } } }))
      .toEqual({ ok: false, error: { code: 'invalid_field', message: 'context.screen.width must be a number' } });
  });

  it('applies the same rules to a batch-level context', () => {
    const context = { sessionId: 7, screen: { width: '10' } };
    expect(validateBatchContext(context)).toBeNull();
    expect(context).toEqual({ sessionId: '7', screen: { width: 10 } });
  });

  it('refuses times PostgreSQL cannot store', () => {
    expect(validateEvent({ type: 'page', anonymousId: 'a', timestamp: '0000-12-31T23:59:59Z' }))
      .toEqual({ ok: false, error: { code: 'invalid_field', message: 'timestamp must be between the years 0001 and 9999' } });
    expect(validateEvent({ type: 'page', anonymousId: 'a', timestamp: '0001-01-01T00:00:00Z' }).ok).toBe(true);
  });
});

describe('nesting depth', () => {
  it('measures JSON text without recursion and ignores brackets inside strings', () => {
    expect(maxJsonDepth('{"a":[{"b":"[[[{{{\\"]]"}]}')).toBe(3);
    // The same from the UTF-8 bytes, multi-byte characters included.
    const utf8 = (text: string) => Uint8Array.from(encodeURIComponent(text).match(/%..|./g) as string[], (c) => (c.length === 3 ? parseInt(c.slice(1), 16) : c.charCodeAt(0)));
    expect(utf8('é€😀')).toHaveLength(9);
    expect(maxJsonDepth(utf8('{"é":[{"b":"[[[{{{\\"]]€"}],"😀":[[["x"]]]}'))).toBe(4);
    expect(maxJsonDepth(`${'['.repeat(300_000)}${']'.repeat(300_000)}`)).toBe(300_000);
  });

  it('ends a string at the first quote no backslash escapes, however many backslashes come before it', () => {
    // "\\\\" is two escaped backslashes: the quote after them closes the string, so the brackets after it count.
    expect(maxJsonDepth(String.raw`{"a":"\\\\","b":[[1]]}`)).toBe(3);
    expect(maxJsonDepth(String.raw`{"a":"\\\"[[[","b":[1]}`)).toBe(2);
    expect(maxJsonDepth(String.raw`["\\",["\\\\\"]]]]"]]`)).toBe(2);
    // Text that ends inside a string (a dead letter's body may be any text) counts what came before it.
    expect(maxJsonDepth('[[{"a":"[[[')).toBe(3);
    expect(maxJsonDepth(Uint8Array.from(String.raw`{"a":"\\\\","b":[[1]]}`, (c) => c.charCodeAt(0)))).toBe(3);
  });

  it('finds a parsed value deeper than the limit without recursion', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    expect(exceedsDepth(deep, 64)).toBe(true);
    expect(exceedsDepth(JSON.parse(`${'['.repeat(64)}${']'.repeat(64)}`), 64)).toBe(false);
    expect(exceedsDepth(JSON.parse(`${"[".repeat(65)}${"]".repeat(65)}`), 64)).toBe(true);
  });

  it('rejects an event deeper than 64 levels as too_deep before stringifying it', () => {
    const deep = JSON.parse(`{"type":"track","event":"x","anonymousId":"a","properties":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect(validateEvent(deep)).toEqual({ ok: false, error: { code: 'too_deep', message: 'the event is nested deeper than 64 levels' } });
  });
});
