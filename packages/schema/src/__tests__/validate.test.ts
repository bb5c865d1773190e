import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, jsonBytes, validateEvent } from '../index';

const base = { anonymousId: 'a1', messageId: 'm1' };

function errorOf(input: unknown) {
  const result = validateEvent(input);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.error;
}

describe('validateEvent', () => {
  it('accepts every Segment type with its required fields', () => {
    const events = [
      { ...base, type: 'track', event: 'Clicked', properties: { a: 1 } },
      { ...base, type: 'page', name: 'Home', properties: { path: '/' } },
      { ...base, type: 'screen', name: 'Home' },
      { ...base, type: 'identify', userId: 'u1', traits: { plan: 'pro' } },
      { ...base, type: 'alias', userId: 'u1', previousId: 'a1' },
      { ...base, type: 'group', groupId: 'g1', traits: {} },
      { ...base, type: 'ping' },
    ];
    for (const event of events) expect(validateEvent(event)).toEqual({ ok: true, event });
  });

  it('accepts a userId without an anonymousId, and Segment extras in context', () => {
    const event = {
      type: 'track', event: 'Order Completed', userId: 'u1', timestamp: '2026-11-22T10:00:00.123+01:00',
      context: { app: { name: 'x' }, os: { name: 'iOS' }, ip: '1.2.3.4', library: { name: 'analytics-node', version: '2' } },
    };
    expect(validateEvent(event).ok).toBe(true);
  });

  it.each([
    [null, 'invalid_event', 'each event must be a JSON object'],
    [[1], 'invalid_event', 'each event must be a JSON object'],
    [{ anonymousId: 'a' }, 'missing_field', 'type is required'],
    [{ type: 'click', anonymousId: 'a' }, 'invalid_type', 'type must be one of track, page, screen, identify, alias, group, ping (got "click")'],
    [{ type: 'track', event: 'x' }, 'missing_identity', 'anonymousId or userId is required'],
    [{ type: 'track', anonymousId: 'a' }, 'missing_field', 'event is required for track'],
    [{ type: 'track', anonymousId: 'a', event: 7 }, 'invalid_field', 'event must be a string'],
    [{ type: 'track', anonymousId: 'a', event: 'x', properties: [] }, 'invalid_field', 'properties must be an object'],
    [{ type: 'identify', anonymousId: 'a', traits: 'pro' }, 'invalid_field', 'traits must be an object'],
    [{ type: 'alias', userId: 'u' }, 'missing_field', 'previousId is required for alias'],
    [{ type: 'alias', anonymousId: 'a', previousId: 'p' }, 'missing_field', 'userId is required for alias'],
    [{ type: 'group', anonymousId: 'a' }, 'missing_field', 'groupId is required for group'],
    [{ type: 'page', anonymousId: true }, 'invalid_field', 'anonymousId must be a string'],
    [{ type: 'page', anonymousId: 'a', messageId: 'x'.repeat(101) }, 'invalid_field', 'messageId must be at most 100 characters'],
    [{ type: 'page', anonymousId: 'a', timestamp: 'yesterday' }, 'invalid_field', 'timestamp must be an ISO 8601 date such as 2026-11-22T10:00:00.000Z'],
    [{ type: 'page', anonymousId: 'a', sentAt: 12 }, 'invalid_field', 'sentAt must be an ISO 8601 date such as 2026-11-22T10:00:00.000Z'],
    [{ type: 'page', anonymousId: 'a', context: 'x' }, 'invalid_field', 'context must be an object'],
    [{ type: 'page', anonymousId: 'a', context: { page: { url: 3 } } }, 'invalid_field', 'context.page.url must be a string'],
    [{ type: 'page', anonymousId: 'a', context: { screen: { width: '1080px' } } }, 'invalid_field', 'context.screen.width must be a number'],
    [{ type: 'page', anonymousId: 'a', context: { clickIds: { gclid: 1 } } }, 'invalid_field', 'context.clickIds.gclid must be a string'],
    [{ type: 'page', anonymousId: 'a', context: { sessionId: { id: 9 } } }, 'invalid_field', 'context.sessionId must be a string'],
  ])('rejects %j with %s', (input, code, message) => {
    expect(errorOf(input)).toEqual({ code, message });
  });

  it('rejects an event over 32 KB and names its size', () => {
    const event = { ...base, type: 'track', event: 'Big', properties: { blob: 'x'.repeat(MAX_EVENT_BYTES) } };
    const error = errorOf(event);
    expect(error.code).toBe('event_too_large');
    expect(error.message).toMatch(/^event is \d+ bytes; the limit is 32768$/);
  });
});

describe('jsonBytes', () => {
  it('counts UTF-8 bytes like Buffer.byteLength', () => {
    const value = { s: 'héllo wörld €100 😀', n: [1, 2, 3] };
    expect(jsonBytes(value)).toBe(unescape(encodeURIComponent(JSON.stringify(value))).length);
  });
});
