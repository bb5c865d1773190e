import type { NormalizedEvent } from '../domain/normalizeEvent';
import type { Queryable } from './database';
import { atMs, run, type Statement } from './statement';

/** The identity links one event carries: anonymousId ↔ userId, and alias previousId → userId. */
function linksOf(event: NormalizedEvent): { identity?: [string, string]; alias?: [string, string] } {
  if (event.type === 'alias' && event.previousId && event.userId) {
    return { identity: [event.previousId, event.userId], alias: [event.previousId, event.userId] };
  }
  if (event.anonymousId && event.userId) return { identity: [event.anonymousId, event.userId] };
  return {};
}

// An app's ($1) identity links and aliases from one write ($2, a JSON array, times in ms: see atMs); first/last seen
// follow event time.
const UPSERT_IDENTITIES = `INSERT INTO identities AS i (app_id, anonymous_id, user_id, first_seen_at, last_seen_at)
  SELECT $1, anonymous_id, user_id, ${atMs('first')}, ${atMs('last')}
  FROM jsonb_to_recordset($2::jsonb) AS x(anonymous_id text, user_id text, first bigint, last bigint)
  ORDER BY anonymous_id, user_id
  ON CONFLICT (app_id, anonymous_id, user_id) DO UPDATE SET
    first_seen_at = least(i.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(i.last_seen_at, excluded.last_seen_at)`;
const INSERT_ALIASES = `INSERT INTO aliases (app_id, previous_id, user_id, created_at)
  SELECT $1, previous_id, user_id, ${atMs('at')} FROM jsonb_to_recordset($2::jsonb) AS x(previous_id text, user_id text, at bigint)
  ON CONFLICT DO NOTHING`;

/** The statements recording the links of newly stored events (identities, aliases: those it has), for an app. */
export function linkStatements(appId: string, events: readonly NormalizedEvent[]): Statement[] {
  const identities = new Map<string, { anonymous_id: string; user_id: string; first: number; last: number }>();
  const aliases = new Map<string, { previous_id: string; user_id: string; at: number }>();
  for (const event of events) {
    const { identity, alias } = linksOf(event);
    const at = event.timestamp.getTime();
    if (identity) {
      const key = identity.join('\n');
      const seen = identities.get(key);
      if (!seen) identities.set(key, { anonymous_id: identity[0], user_id: identity[1], first: at, last: at });
      else {
        if (at < seen.first) seen.first = at;
        if (at > seen.last) seen.last = at;
      }
    }
    if (alias) aliases.set(alias.join('\n'), { previous_id: alias[0], user_id: alias[1], at });
  }
  const statements: Statement[] = [];
  if (identities.size > 0) {
    statements.push({ sql: UPSERT_IDENTITIES, params: [appId, JSON.stringify([...identities.values()])], name: 'hc_identities' });
  }
  if (aliases.size > 0) {
    statements.push({ sql: INSERT_ALIASES, params: [appId, JSON.stringify([...aliases.values()])], name: 'hc_aliases' });
  }
  return statements;
}

export function createIdentityRepository(db: Queryable) {
  return {
    /** Records the links of newly stored events; first/last seen follow event time, so late events fit in. */
    async record(appId: string, events: readonly NormalizedEvent[]): Promise<void> {
      for (const statement of linkStatements(appId, events)) await run(db, statement);
    },

    /**
     * The links (anonymousId–userId from identify and events carrying both, previousId–userId from alias) that
     * connect the given ids to others, followed transitively: everything one person's ids are known under.
     * Stops growing past `cap` ids (an id shared by thousands of people is no person).
     */
    async linksOf(appId: string, ids: readonly string[], cap = 1000): Promise<Array<[string, string]>> {
      const known = new Set(ids);
      const links = new Map<string, [string, string]>();
      let frontier = [...known];
      while (frontier.length > 0 && known.size < cap) {
        const rows = await db.query<{ a: string; b: string }>(
          `SELECT anonymous_id AS a, user_id AS b FROM identities WHERE app_id = $1 AND (anonymous_id = ANY($2::text[]) OR user_id = ANY($2::text[]))
           UNION SELECT previous_id, user_id FROM aliases WHERE app_id = $1 AND (previous_id = ANY($2::text[]) OR user_id = ANY($2::text[]))`,
          [appId, frontier],
        );
        frontier = [];
        for (const { a, b } of rows) {
          links.set(`${a}\n${b}`, [a, b]);
          for (const id of [a, b]) {
            if (known.has(id)) continue;
            known.add(id);
            frontier.push(id);
          }
        }
      }
      return [...links.values()];
    },

    /** The user an anonymousId was last seen as, or null. */
    async userOf(appId: string, anonymousId: string): Promise<string | null> {
      const rows = await db.query<{ user_id: string }>(
        'SELECT user_id FROM identities WHERE app_id = $1 AND anonymous_id = $2 ORDER BY last_seen_at DESC LIMIT 1',
        [appId, anonymousId],
      );
      return rows[0]?.user_id ?? null;
    },

    /** The user's ids (itself and every id aliased into it, transitively) and the anonymousIds linked to them. */
    async idsOf(appId: string, userId: string): Promise<{ userIds: string[]; anonymousIds: string[] }> {
      const users = await db.query<{ id: string }>(
        `WITH RECURSIVE ids(id) AS (
           SELECT $2::text
           UNION
           SELECT a.previous_id FROM aliases a JOIN ids ON a.app_id = $1 AND a.user_id = ids.id
         ) SELECT id FROM ids`,
        [appId, userId],
      );
      const userIds = users.map((r) => r.id);
      // An aliased previous id is anonymous unless it was itself a user's id.
      const anonymous = await db.query<{ anonymous_id: string }>(
        `SELECT i.anonymous_id FROM identities i
         WHERE i.app_id = $1 AND i.user_id = ANY($2::text[]) AND i.anonymous_id <> $3
           AND NOT EXISTS (SELECT 1 FROM identities u WHERE u.app_id = $1 AND u.user_id = i.anonymous_id)
         GROUP BY i.anonymous_id ORDER BY min(i.first_seen_at), i.anonymous_id`,
        [appId, userIds, userId],
      );
      return { userIds, anonymousIds: anonymous.map((r) => r.anonymous_id) };
    },
  };
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
