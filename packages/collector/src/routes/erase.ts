import { Router, type Request, type Response } from 'express';
import type { AppResolver } from '../http/auth';
import { pathParam } from '../http/query';
import type { Database } from '../storage/database';
import { erasePerson, type Person } from '../storage/eraseRepository';
import { readerOf } from './read';

export interface EraseDeps {
  apps: AppResolver;
  /** The primary: erasure writes. */
  db: Database;
  /** Tells the live count (this process's and, by NOTIFY, the others') that these apps' sessions changed. */
  onErased: (appIds: ReadonlySet<string>) => void;
}

/** `DELETE /v1/users/:userId` and `DELETE /v1/anonymous/:anonymousId`: erase a person (secret key). */
export function eraseRoutes(deps: EraseDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);

  const erase = (person: (req: Request) => Person) => async (req: Request, res: Response) => {
    const app = await reader(req);
    const deleted = await erasePerson(deps.db, app.id, person(req));
    if (deleted.sessions > 0) deps.onErased(new Set([app.id]));
    res.json({ deleted });
  };
  router.delete('/v1/users/:userId', erase((req) => ({ userId: pathParam(req, 'userId') })));
  router.delete('/v1/anonymous/:anonymousId', erase((req) => ({ anonymousId: pathParam(req, 'anonymousId') })));

  return router;
}
