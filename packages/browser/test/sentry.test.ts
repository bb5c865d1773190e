import type { ErrorEvent, EventHint } from '@sentry/browser';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { linkSentry, type SentryLike } from '../src/sentry';
import { createWorld, ok } from '../src/core/__tests__/harness';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 10, 22) });
});
afterEach(() => {
  vi.useRealTimers();
});

function fakeSentry() {
  const processors: Array<(e: ErrorEvent, h: EventHint) => unknown> = [];
  const breadcrumbs: unknown[] = [];
  const sentry: SentryLike = {
    addEventProcessor: (p) => void processors.push(p as never),
    addBreadcrumb: (b) => void breadcrumbs.push(b),
  };
  const capture = () => processors.reduce((e, p) => p(e, {}) as ErrorEvent, { type: undefined, tags: { page: 'home' } } as ErrorEvent);
  return { sentry, breadcrumbs, capture };
}

it('tags Sentry events with the current session and visitor, following kiosk rotation', async () => {
  const w = createWorld();
  const { core } = w.tab({ kiosk: true, idleTimeout: 60 });
  const { sentry, capture } = fakeSentry();
  linkSentry(core.client, sentry);

  core.input();
  await vi.advanceTimersByTimeAsync(0); // the session start is decided across tabs
  const first = core.client.status();
  expect(capture().tags).toEqual({ page: 'home', 'headcount.session_id': first.sessionId, 'headcount.anonymous_id': first.anonymousId });

  vi.advanceTimersByTime(60_000); // the person left: new visitor, no session
  const tags = capture().tags!;
  expect(tags['headcount.session_id']).toBeUndefined();
  expect(tags['headcount.anonymous_id']).not.toBe(first.anonymousId);
  core.input();
  await vi.advanceTimersByTimeAsync(0);
  expect(capture().tags!['headcount.session_id']).toBeTruthy();
  expect(capture().tags!['headcount.session_id']).toBe(core.client.status().sessionId);
});

it('adds a breadcrumb per dropped event, and unlinks', async () => {
  const w = createWorld();
  w.respond((req) => ({ status: 200, body: ok(1, [{ index: 1, messageId: req.body.batch[1]!.messageId!, error: { code: 'invalid_field', message: 'bad' } }]) }));
  const { core } = w.tab();
  const { sentry, breadcrumbs, capture } = fakeSentry();
  const unlink = linkSentry(core.client, sentry);
  core.client.track('Bad');
  await vi.advanceTimersByTimeAsync(2_000);
  expect(breadcrumbs).toEqual([
    {
      category: 'headcount',
      level: 'warning',
      message: 'Headcount dropped a track event: invalid_field',
      data: { reason: 'invalid_field', message: 'bad', messageId: expect.any(String) },
    },
  ]);
  unlink();
  expect(capture().tags).toEqual({ page: 'home' });
});
