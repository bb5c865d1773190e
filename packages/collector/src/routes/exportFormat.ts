import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportedEvent } from '../storage/exportRepository';

export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

// The CSV columns, fixed whatever the rows hold; object columns are JSON text, top-level fields outside the wire format go to `extra`.
const CSV_COLUMNS = ['cursor', 'messageId', 'type', 'event', 'name', 'anonymousId', 'userId', 'previousId', 'groupId', 'sessionId',
  'timestamp', 'originalTimestamp', 'sentAt', 'receivedAt', 'properties', 'traits', 'context', 'extra'] as const;
const OBJECT_COLUMNS = new Set(['properties', 'traits', 'context', 'extra']);
const NAMED = new Set<string>(CSV_COLUMNS);

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvRow(event: ExportedEvent): string {
  const fields = event as unknown as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (!NAMED.has(key)) extra[key] = value;
  const cells = CSV_COLUMNS.map((column) => {
    const value = column === 'extra' ? extra : fields[column];
    if (OBJECT_COLUMNS.has(column)) return csvField(JSON.stringify(value ?? {}));
    return value === null || value === undefined ? '' : csvField(String(value));
  });
  return `${cells.join(',')}\r\n`;
}

/** One event as its line (NDJSON) or row (CSV), line end included. */
export function formatExported(event: ExportedEvent, format: ExportFormat): string {
  return format === 'csv' ? csvRow(event) : `${JSON.stringify(event)}\n`;
}

/**
 * Writes the pages to `out` as they come, waiting for `out` to drain before reading the next page: the database
 * is read only as fast as the reader takes it. Stops early (returns false) when `out` closes. Returns the rows written.
 */
export async function writeExport(
  out: Writable,
  pages: AsyncIterable<ExportedEvent[]>,
  format: ExportFormat,
): Promise<{ rows: number; complete: boolean }> {
  let rows = 0;
  const closed = once(out, 'close').then(() => 'closed' as const);
  closed.catch(() => {});
  if (format === 'csv' && !out.write(CSV_HEADER)) await Promise.race([once(out, 'drain'), closed]);
  for await (const page of pages) {
    if (out.destroyed) return { rows, complete: false };
    rows += page.length;
    if (!out.write(page.map((event) => formatExported(event, format)).join(''))) {
      if ((await Promise.race([once(out, 'drain'), closed])) === 'closed') return { rows, complete: false };
    }
  }
  return { rows, complete: true };
}
