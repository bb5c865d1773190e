import type { App } from '../apps/appsRepository';
import { createAppsRepository } from '../apps/appsRepository';
import { createIngestService } from '../ingest/ingestService';
import { replayRejected } from '../ingest/replayRejected';
import { toRejectedEntry } from '../routes/rejected';
import type { Database } from '../storage/database';
import { createDeadLetterRepository, DEAD_LETTER_DAYS } from '../storage/deadLetterRepository';
import { lastOption, parseArgs, UsageError } from './parseArgs';

type Print = (line: string) => void;

const USAGE = 'usage: headcount rejected list|replay|purge APP [--json] [--limit N]';

async function appNamed(db: Database, name: string | undefined): Promise<App> {
  if (!name) throw new UsageError(USAGE);
  const app = await createAppsRepository(db).findByName(name);
  if (!app) throw new UsageError(`no app named "${name}"; see \`headcount apps list\``);
  return app;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return Infinity;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a whole number above 0 (got "${value}")`);
  return n;
}

/** `headcount rejected list|replay|purge APP`: the dead-letter store from the command line. */
export async function rejectedCommand(db: Database, argv: readonly string[], print: Print, now: Date = new Date()): Promise<void> {
  const [sub, ...rest] = argv;
  const args = parseArgs(rest, { flags: ['json'], options: ['limit'] });
  const app = await appNamed(db, args.positionals[0]);
  const deadLetters = createDeadLetterRepository(db);
  const json = args.flags.has('json');

  if (sub === 'list') {
    let left = limitOf(lastOption(args, 'limit'));
    let after: string | undefined;
    const since = new Date(now.getTime() - DEAD_LETTER_DAYS * 86_400_000);
    let shown = 0;
    while (left > 0) {
      const page = await deadLetters.list({ appId: app.id, limit: Math.min(500, left), after, since });
      for (const entry of page.items.map(toRejectedEntry)) {
        // NDJSON with --json: fix the bodies and post them back to /v1/batch, or replay after an upgrade.
        print(json ? JSON.stringify(entry) : `${entry.id}\t${entry.receivedAt}\t${entry.code}\t${entry.message}\t${JSON.stringify(entry.body).slice(0, 200)}`);
      }
      shown += page.items.length;
      left -= page.items.length;
      if (!page.next) break;
      after = page.next;
    }
    const notKept = await deadLetters.notKept(app.id);
    if (!json) print(`${shown} rejected ${shown === 1 ? 'entry' : 'entries'}${notKept > 0 ? ` (${notKept} more were not kept: the store was full)` : ''}`);
    return;
  }
  if (sub === 'replay') {
    const outcome = await replayRejected({ ingest: createIngestService(db), deadLetters }, app, now);
    print(json ? JSON.stringify(outcome)
      : `Replayed ${outcome.replayed}: ${outcome.accepted} accepted, ${outcome.duplicates} already stored; ${outcome.stillRejected} still rejected (kept)`);
    return;
  }
  if (sub === 'purge') {
    const purged = await deadLetters.purge(app.id);
    print(json ? JSON.stringify({ purged }) : `Purged ${purged} rejected ${purged === 1 ? 'entry' : 'entries'} of "${app.name}"`);
    return;
  }
  throw new UsageError(USAGE);
}
