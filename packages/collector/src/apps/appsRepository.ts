import { DEFAULT_ACTIVE_WINDOW_SECONDS } from '@headcount/schema';
import type { Queryable } from '../storage/database';
import { hashSecret, newAppId, newSecretKey, newWriteKey, secretPrefixOf } from './keys';

export interface App {
  id: string;
  name: string;
  writeKey: string;
  secretHash: string;
  origins: string[];
  activeWindowSeconds: number;
  webhookSecret: string | null;
  /** Events and sessions older than this many days are removed (null: kept for good). */
  retentionDays: number | null;
  /** IANA time zone the dashboard reports days in (null: UTC). */
  timezone: string | null;
  createdAt: Date;
}

export interface NewApp {
  name: string;
  origins?: string[];
  activeWindowSeconds?: number;
  webhookSecret?: string | null;
  retentionDays?: number | null;
  timezone?: string | null;
}

/** What `apps update` changes; an absent field stays as it is. */
export interface AppChanges {
  origins?: string[];
  retentionDays?: number | null;
  timezone?: string | null;
}

interface AppRow {
  id: string;
  name: string;
  write_key: string;
  secret_hash: string;
  origins: string[];
  active_window_seconds: number;
  webhook_secret: string | null;
  retention_days: number | null;
  timezone: string | null;
  created_at: Date;
}

const COLUMNS = 'id, name, write_key, secret_hash, origins, active_window_seconds, webhook_secret, retention_days, timezone, created_at';

function toApp(row: AppRow): App {
  return {
    id: row.id,
    name: row.name,
    writeKey: row.write_key,
    secretHash: row.secret_hash,
    origins: row.origins ?? [],
    activeWindowSeconds: row.active_window_seconds,
    webhookSecret: row.webhook_secret,
    retentionDays: row.retention_days,
    timezone: row.timezone,
    createdAt: new Date(row.created_at),
  };
}

export class AppNameTakenError extends Error {
  constructor(name: string) {
    super(`an app named "${name}" already exists`);
  }
}

export function createAppsRepository(db: Queryable) {
  return {
    /** Creates an app; the secret key is returned once and only its hash is kept. */
    async create(input: NewApp): Promise<{ app: App; secretKey: string }> {
      const secretKey = newSecretKey();
      const rows = await db.query<AppRow>(
        `INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash, origins, active_window_seconds, webhook_secret,
           retention_days, timezone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (name) DO NOTHING
         RETURNING ${COLUMNS}`,
        [newAppId(), input.name, newWriteKey(), secretPrefixOf(secretKey), hashSecret(secretKey), input.origins ?? [],
          input.activeWindowSeconds ?? DEFAULT_ACTIVE_WINDOW_SECONDS, input.webhookSecret ?? null, input.retentionDays ?? null,
          input.timezone ?? null],
      );
      const row = rows[0];
      if (!row) throw new AppNameTakenError(input.name);
      return { app: toApp(row), secretKey };
    },

    async list(): Promise<App[]> {
      return (await db.query<AppRow>(`SELECT ${COLUMNS} FROM apps ORDER BY created_at, name`)).map(toApp);
    },

    async findByName(name: string): Promise<App | null> {
      const rows = await db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE name = $1`, [name]);
      return rows[0] ? toApp(rows[0]) : null;
    },

    async findByWriteKey(writeKey: string): Promise<App | null> {
      const rows = await db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE write_key = $1`, [writeKey]);
      return rows[0] ? toApp(rows[0]) : null;
    },

    /** The apps whose secret key starts like the presented one (its hash decides which, if any). */
    async findBySecretPrefix(prefix: string): Promise<App[]> {
      return (await db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE secret_prefix = $1`, [prefix])).map(toApp);
    },

    /** Changes an app's settings; null when no app has that name. */
    async update(name: string, changes: AppChanges): Promise<App | null> {
      const params: unknown[] = [name];
      const sets: string[] = [];
      if (changes.origins !== undefined) sets.push(`origins = $${params.push(changes.origins)}`);
      if (changes.retentionDays !== undefined) sets.push(`retention_days = $${params.push(changes.retentionDays)}`);
      if (changes.timezone !== undefined) sets.push(`timezone = $${params.push(changes.timezone)}`);
      const rows = sets.length > 0
        ? await db.query<AppRow>(`UPDATE apps SET ${sets.join(', ')} WHERE name = $1 RETURNING ${COLUMNS}`, params)
        : await db.query<AppRow>(`SELECT ${COLUMNS} FROM apps WHERE name = $1`, params);
      return rows[0] ? toApp(rows[0]) : null;
    },

    /** Issues a new secret key; the old one stops working at once. */
    async rotateSecret(name: string): Promise<{ app: App; secretKey: string } | null> {
      const secretKey = newSecretKey();
      const rows = await db.query<AppRow>(
        `UPDATE apps SET secret_prefix = $2, secret_hash = $3 WHERE name = $1 RETURNING ${COLUMNS}`,
        [name, secretPrefixOf(secretKey), hashSecret(secretKey)],
      );
      return rows[0] ? { app: toApp(rows[0]), secretKey } : null;
    },
  };
}

export type AppsRepository = ReturnType<typeof createAppsRepository>;
