import type { Database, Queryable } from './database';
import { createDeadLetterRepository } from './deadLetterRepository';
import { removeUnnamedContexts } from './eventsRepository';
import { createIdentityRepository } from './identityRepository';

/** Who to erase: a user (with every id aliased into it and every linked anonymousId), or one anonymousId. */
export type Person = { userId: string } | { anonymousId: string };

export interface Erased {
  events: number;
  sessions: number;
  identities: number;
  aliases: number;
  rejected: number;
}

async function count(tx: Queryable, sql: string, params: unknown[]): Promise<number> {
  const rows = await tx.query<{ n: number }>(`WITH gone AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM gone`, params);
  return rows[0]?.n ?? 0;
}

/** Every id the person went by: user ids (aliases followed) and anonymousIds. */
async function idsOfPerson(tx: Queryable, appId: string, person: Person): Promise<{ userIds: string[]; anonymousIds: string[] }> {
  if ('anonymousId' in person) return { userIds: [], anonymousIds: [person.anonymousId] };
  const ids = await createIdentityRepository(tx).idsOf(appId, person.userId);
  // An aliased previous id may have been anonymous: its events carry it as anonymousId, so both columns are matched.
  return { userIds: ids.userIds, anonymousIds: [...new Set([...ids.anonymousIds, ...ids.userIds])] };
}

/**
 * Erases a person in one transaction: events (and their dedupe keys), sessions, identity links and aliases naming any of their ids, and the
 * dead-letter entries whose kept body contains one of those ids as a JSON string (`"id"`, the way the body names it).
 */
export async function erasePerson(db: Database, appId: string, person: Person): Promise<Erased> {
  return db.transaction(async (tx) => {
    const { userIds, anonymousIds } = await idsOfPerson(tx, appId, person);
    const all = [...new Set([...userIds, ...anonymousIds])];
    const params = [appId, userIds, anonymousIds];
    // Their dedupe keys go too: a messageId names the person's event as much as the event does.
    const [gone] = await tx.query<{ n: number; contexts: string[] }>(
      `WITH gone AS (
         DELETE FROM events WHERE app_id = $1 AND (user_id = ANY($2::text[]) OR anonymous_id = ANY($3::text[]) OR previous_id = ANY($3::text[]))
         RETURNING message_id, context_key
       ), keys AS (DELETE FROM event_ids WHERE app_id = $1 AND message_key IN (SELECT headcount_message_key(message_id) FROM gone) RETURNING 1)
       SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM keys)::int AS k,
         (SELECT coalesce(array_agg(DISTINCT context_key::text), '{}') FROM gone WHERE context_key IS NOT NULL) AS contexts`,
      params);
    const events = gone?.n ?? 0;
    // Their shared contexts (user agent, campaign, session id...) go too, unless another person's events name them.
    await removeUnnamedContexts(tx, appId, gone?.contexts ?? []);
    const sessions = await count(tx,
      `DELETE FROM sessions WHERE app_id = $1
         AND (user_id = ANY($2::text[]) OR anonymous_id = ANY($3::text[]) OR visitor_id = ANY($2::text[]) OR visitor_id = ANY($3::text[]))`,
      params);
    const identities = await count(tx,
      'DELETE FROM identities WHERE app_id = $1 AND (user_id = ANY($2::text[]) OR anonymous_id = ANY($3::text[]))', params);
    const aliases = await count(tx,
      'DELETE FROM aliases WHERE app_id = $1 AND (user_id = ANY($2::text[]) OR previous_id = ANY($3::text[]))', params);
    // Bodies are kept as sent text (some are not even JSON): a JSON string equal to one of the ids marks an entry.
    const matching = await tx.query<{ id: string }>(
      `SELECT r.id::text AS id FROM rejected_events r
       WHERE r.app_id = $1 AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS quoted(q) WHERE strpos(r.body, quoted.q) > 0)`,
      [appId, all.map((id) => JSON.stringify(id))],
    );
    const rejected = await createDeadLetterRepository(tx).remove(appId, matching.map((r) => r.id));
    return { events, sessions, identities, aliases, rejected };
  });
}
