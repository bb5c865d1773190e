import type { App } from '../apps/appsRepository';
import { createAppsRepository } from '../apps/appsRepository';
import type { Database } from '../storage/database';
import { lastOption, parseArgs, UsageError } from './parseArgs';

type Print = (line: string) => void;

function validOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--origin must be a URL such as https://shop.example (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--origin must be an http(s) URL (got "${value}")`);
  return url.origin;
}

function windowSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10 || n > 86_400) throw new UsageError(`--active-window must be whole seconds from 10 to 86400 (got "${value}")`);
  return n;
}

function retentionDays(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  // `--retention-days 0` (or `forever`) keeps everything again.
  if (value === '0' || value === 'forever') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 36_500) throw new UsageError(`--retention-days must be whole days from 1 to 36500, or 0 to keep everything (got "${value}")`);
  return n;
}

function timezone(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    // Intl knows the IANA zones PostgreSQL's AT TIME ZONE accepts; a typo would silently report in UTC.
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new UsageError(`--timezone must be an IANA time zone such as Europe/Paris (got "${value}")`);
  }
}

const publicView = (app: App) => ({
  id: app.id,
  name: app.name,
  writeKey: app.writeKey,
  origins: app.origins,
  activeWindowSeconds: app.activeWindowSeconds,
  webhookSecret: app.webhookSecret !== null,
  retentionDays: app.retentionDays,
  timezone: app.timezone,
  createdAt: app.createdAt.toISOString(),
});

const CREATE_USAGE = 'usage: headcount apps create NAME [--origin URL]... [--active-window SECONDS] [--webhook-secret S] [--retention-days N] [--timezone TZ] [--json]';
const UPDATE_USAGE = 'usage: headcount apps update NAME [--origin URL]... [--retention-days N] [--timezone TZ] [--json]';

/** `headcount apps create|list|rotate|update`. */
export async function appsCommand(db: Database, argv: readonly string[], print: Print): Promise<void> {
  const [sub, ...rest] = argv;
  const repo = createAppsRepository(db);
  if (sub === 'create') {
    const args = parseArgs(rest, { flags: ['json'], options: ['origin', 'active-window', 'webhook-secret', 'retention-days', 'timezone'] });
    const name = args.positionals[0];
    if (!name || args.positionals.length > 1) throw new UsageError(CREATE_USAGE);
    const { app, secretKey } = await repo.create({
      name,
      origins: (args.options.get('origin') ?? []).map(validOrigin),
      activeWindowSeconds: windowSeconds(lastOption(args, 'active-window')),
      webhookSecret: lastOption(args, 'webhook-secret') ?? null,
      retentionDays: retentionDays(lastOption(args, 'retention-days')) ?? null,
      timezone: timezone(lastOption(args, 'timezone')) ?? null,
    });
    if (args.flags.has('json')) {
      print(JSON.stringify({ id: app.id, name: app.name, writeKey: app.writeKey, secretKey }));
      return;
    }
    print(`Created app "${app.name}" (${app.id})`);
    print(`  write key:  ${app.writeKey}   (public: goes in your pages and SDKs)`);
    print(`  secret key: ${secretKey}   (shown once: reads your data, keep it safe)`);
    return;
  }
  if (sub === 'list') {
    const args = parseArgs(rest, { flags: ['json'], options: [] });
    const apps = await repo.list();
    if (args.flags.has('json')) {
      print(JSON.stringify(apps.map(publicView)));
      return;
    }
    if (apps.length === 0) print('No apps yet: create one with `headcount apps create NAME`.');
    for (const app of apps) {
      const origins = app.origins.length > 0 ? app.origins.join(' ') : 'any origin';
      print(`${app.name}\t${app.writeKey}\twindow ${app.activeWindowSeconds}s\t${origins}`);
    }
    return;
  }
  if (sub === 'rotate') {
    const args = parseArgs(rest, { flags: ['json'], options: [] });
    const name = args.positionals[0];
    if (!name) throw new UsageError('usage: headcount apps rotate NAME [--json]');
    const rotated = await repo.rotateSecret(name);
    if (!rotated) throw new UsageError(`no app named "${name}"; see \`headcount apps list\``);
    if (args.flags.has('json')) {
      print(JSON.stringify({ id: rotated.app.id, name: rotated.app.name, writeKey: rotated.app.writeKey, secretKey: rotated.secretKey }));
      return;
    }
    print(`New secret key for "${name}": ${rotated.secretKey}   (shown once; the old one no longer works)`);
    return;
  }
  if (sub === 'update') {
    const args = parseArgs(rest, { flags: ['json'], options: ['origin', 'retention-days', 'timezone'] });
    const name = args.positionals[0];
    if (!name || args.positionals.length > 1) throw new UsageError(UPDATE_USAGE);
    const origins = args.options.get('origin');
    const updated = await repo.update(name, {
      // The origins given replace the list; `--origin '*'` allows any origin again.
      ...(origins ? { origins: origins.includes('*') ? [] : origins.map(validOrigin) } : {}),
      retentionDays: retentionDays(lastOption(args, 'retention-days')),
      timezone: timezone(lastOption(args, 'timezone')),
    });
    if (!updated) throw new UsageError(`no app named "${name}"; see \`headcount apps list\``);
    if (args.flags.has('json')) {
      print(JSON.stringify(publicView(updated)));
      return;
    }
    const origin = updated.origins.length > 0 ? updated.origins.join(' ') : 'any origin';
    const retention = updated.retentionDays === null ? 'kept for good' : `kept ${updated.retentionDays} days`;
    print(`Updated app "${updated.name}": ${origin}; events ${retention}; time zone ${updated.timezone ?? 'UTC'}`);
    return;
  }
  throw new UsageError('usage: headcount apps create|list|rotate|update ...');
}
