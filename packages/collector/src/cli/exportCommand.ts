import type { Writable } from 'node:stream';
import { exportCursorOf, exportFormatOf } from '../routes/export';
import { writeExport } from '../routes/exportFormat';
import type { Database } from '../storage/database';
import { exportEvents } from '../storage/exportRepository';
import { storableDate } from '../http/query';
import { HttpError } from '../http/errors';
import { appNamed } from './appNamed';
import { lastOption, parseArgs, UsageError } from './parseArgs';

const USAGE = 'usage: headcount export APP [--from DATE] [--to DATE] [--format ndjson|csv] [--after CURSOR]';

function dateOption(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = storableDate(value);
  if (!date) throw new UsageError(`--${name} must be an ISO 8601 date such as 2026-11-01 (got "${value}")`);
  return date;
}

/** `headcount export APP`: every event in storage order to `out` (stdout), streamed as GET /v1/export does. */
export async function exportCommand(db: Database, argv: readonly string[], out: Writable): Promise<void> {
  const args = parseArgs(argv, { flags: [], options: ['from', 'to', 'format', 'after'] });
  if (args.positionals.length !== 1) throw new UsageError(USAGE);
  const app = await appNamed(db, args.positionals[0], USAGE);
  try {
    const format = exportFormatOf(lastOption(args, 'format'));
    const after = exportCursorOf(lastOption(args, 'after'));
    const pages = exportEvents(db, { appId: app.id, after, from: dateOption('from', lastOption(args, 'from')), to: dateOption('to', lastOption(args, 'to')) });
    await writeExport(out, pages, format);
  } catch (err) {
    // The route's parameter checks speak HTTP; here they are usage errors.
    if (err instanceof HttpError && err.status === 400) throw new UsageError(err.message.replace(/^(\w+)/, '--$1'));
    throw err;
  }
}
