import type { StoredEvent } from '@headcount/schema';
import type { Queryable } from './database';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './eventsRepository';

export interface ExportQuery {
  appId: string;
  /** Resume after this stored row (the `cursor` of the last line read). */
  after?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** One exported event: as GET /v1/events returns it, plus its place in storage order. */
export type ExportedEvent = StoredEvent & { cursor: string };

// Rows per query: large enough to amortize a round trip, small enough that a page's memory stays flat.
export const EXPORT_PAGE_SIZE = 1000;

/**
 * Every event of an app in storage order (events.id: the order rows were stored, whatever their timestamp),
 * one keyset page at a time: the caller writes each page out before the next is read.
 */
export async function* exportEvents(db: Queryable, q: ExportQuery, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<ExportedEvent[]> {
  let after = q.after ?? '0';
  for (;;) {
    const params: unknown[] = [q.appId, after];
    const where = ['app_id = $1', 'id > $2::bigint'];
    if (q.from) where.push(`"timestamp" >= $${params.push(q.from)}`);
    if (q.to) where.push(`"timestamp" < $${params.push(q.to)}`);
    const rows = await db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY events.id LIMIT ${pageSize}`,
      params,
    );
    if (rows.length === 0) return;
    yield rows.map((row) => ({ ...toStoredEvent(row), cursor: row.id }));
    if (rows.length < pageSize) return;
    after = (rows[rows.length - 1] as EventRow).id;
  }
}
