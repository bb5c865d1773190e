import { ACTIVITY_CHANNEL } from '../live/activityChannel';
import type { Database } from '../storage/database';
import { erasePerson, type Person } from '../storage/eraseRepository';
import { appNamed } from './appNamed';
import { lastOption, parseArgs, UsageError } from './parseArgs';

const USAGE = 'usage: headcount forget APP (--user ID | --anonymous ID) [--json]';

/** `headcount forget APP --user ID`: erases a person as DELETE /v1/users/:userId does. */
export async function forgetCommand(db: Database, argv: readonly string[], print: (line: string) => void): Promise<void> {
  const args = parseArgs(argv, { flags: ['json'], options: ['user', 'anonymous'] });
  if (args.positionals.length !== 1) throw new UsageError(USAGE);
  const userId = lastOption(args, 'user');
  const anonymousId = lastOption(args, 'anonymous');
  if ((userId === undefined) === (anonymousId === undefined)) throw new UsageError(USAGE);
  const person: Person = userId !== undefined ? { userId } : { anonymousId: anonymousId as string };
  const app = await appNamed(db, args.positionals[0], USAGE);
  const deleted = await erasePerson(db, app.id, person);
  // Running collectors recount at once (a bare app id on their channel); an embedded database has none running.
  if (db.kind === 'postgres' && deleted.sessions > 0) await db.query('SELECT pg_notify($1, $2)', [ACTIVITY_CHANNEL, app.id]);
  if (args.flags.has('json')) {
    print(JSON.stringify({ deleted }));
    return;
  }
  const who = userId !== undefined ? `user "${userId}"` : `anonymous visitor "${anonymousId}"`;
  print(`Erased ${who} from "${app.name}": ${deleted.events} events, ${deleted.sessions} sessions, ${deleted.identities} identity links, ${deleted.aliases} aliases, ${deleted.rejected} dead-letter entries`);
}
