import { Router } from 'express';
import type { RejectedEntry } from '@headcount/schema';
import { deadLetterBody } from '../domain/deadLetterBody';
import type { AppResolver } from '../http/auth';
import { ValidationError } from '../http/errors';
import { queryLimit, queryString } from '../http/query';
import { DEAD_LETTER_DAYS, type DeadLetterRepository, type StoredDeadLetter } from '../storage/deadLetterRepository';
import { readerOf } from './read';

export interface RejectedDeps {
  apps: AppResolver;
  deadLetters: DeadLetterRepository;
  now: () => Date;
}

export function toRejectedEntry(entry: StoredDeadLetter): RejectedEntry {
  return {
    id: entry.id,
    receivedAt: entry.receivedAt.toISOString(),
    code: entry.code,
    message: entry.message,
    messageId: entry.messageId,
    kind: entry.kind,
    body: deadLetterBody(entry.body),
  };
}

/** `GET /v1/rejected`: the dead-letter store, oldest first, read with the secret key. */
export function rejectedRoutes(deps: RejectedDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);
  router.get('/v1/rejected', async (req, res) => {
    const app = await reader(req);
    const after = queryString(req, 'after');
    if (after !== undefined && !/^\d{1,18}$/.test(after)) throw new ValidationError('after', 'must be the `next` cursor of a previous page');
    const since = new Date(deps.now().getTime() - DEAD_LETTER_DAYS * 86_400_000);
    const [page, notKept] = await Promise.all([
      deps.deadLetters.list({ appId: app.id, limit: queryLimit(req), after, since }),
      deps.deadLetters.notKept(app.id),
    ]);
    res.json({ rejected: page.items.map(toRejectedEntry), next: page.next, notKept });
  });
  return router;
}
