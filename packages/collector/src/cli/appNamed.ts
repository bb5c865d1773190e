import { createAppsRepository, type App } from '../apps/appsRepository';
import type { Queryable } from '../storage/database';
import { UsageError } from './parseArgs';

/** The app a command names, or a usage error that says how to find the right name. */
export async function appNamed(db: Queryable, name: string | undefined, usage: string): Promise<App> {
  if (!name) throw new UsageError(usage);
  const app = await createAppsRepository(db).findByName(name);
  if (!app) throw new UsageError(`no app named "${name}"; see \`headcount apps list\``);
  return app;
}
