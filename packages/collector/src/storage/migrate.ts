import type { Database } from './database';
import init from './migrations/0001_init.sql?raw';
import deadLetter from './migrations/0002_dead_letter.sql?raw';
import sessionLastPage from './migrations/0003_session_last_page.sql?raw';
import eventExtra from './migrations/0004_event_extra.sql?raw';
import waitingEvents from './migrations/0005_waiting_events.sql?raw';
import eventsByName from './migrations/0007_events_by_name.sql?raw';
import appRetention from './migrations/0008_app_retention.sql?raw';
import eventPartitions from './migrations/0009_event_partitions.sql?raw';
import statsRollups from './migrations/0010_stats_rollups.sql?raw';
import eventContexts from './migrations/0011_event_contexts.sql?raw';
import sessionsHot from './migrations/0012_sessions_hot.sql?raw';
import leanerEventWrites from './migrations/0013_leaner_event_writes.sql?raw';
import linkTriggerPlans from './migrations/0014_link_trigger_plans.sql?raw';
import pageColumns from './migrations/0015_page_columns.sql?raw';
import leanerVisitWrites from './migrations/0016_leaner_visit_writes.sql?raw';
import leanerEventRows from './migrations/0017_leaner_event_rows.sql?raw';
import sessionIndexEntriesShared from './migrations/0018_session_index_entries_shared.sql?raw';
import propertiesAsSent from './migrations/0019_properties_as_sent.sql?raw';
import compactMessageKeys from './migrations/0020_compact_message_keys.sql?raw';

/** Numbered migrations, applied in order, each exactly once. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'dead_letter', sql: deadLetter },
  { version: 3, name: 'session_last_page', sql: sessionLastPage },
  { version: 4, name: 'event_extra', sql: eventExtra },
  { version: 5, name: 'waiting_events', sql: waitingEvents },
  { version: 7, name: 'events_by_name', sql: eventsByName },
  { version: 8, name: 'app_retention', sql: appRetention },
  { version: 9, name: 'event_partitions', sql: eventPartitions },
  { version: 10, name: 'stats_rollups', sql: statsRollups },
  { version: 11, name: 'event_contexts', sql: eventContexts },
  { version: 12, name: 'sessions_hot', sql: sessionsHot },
  { version: 13, name: 'leaner_event_writes', sql: leanerEventWrites },
  { version: 14, name: 'link_trigger_plans', sql: linkTriggerPlans },
  { version: 15, name: 'page_columns', sql: pageColumns },
  { version: 16, name: 'leaner_visit_writes', sql: leanerVisitWrites },
  { version: 17, name: 'leaner_event_rows', sql: leanerEventRows },
  { version: 18, name: 'session_index_entries_shared', sql: sessionIndexEntriesShared },
  { version: 19, name: 'properties_as_sent', sql: propertiesAsSent },
  { version: 20, name: 'compact_message_keys', sql: compactMessageKeys },
];

// Any constant works: it only keeps two collectors from migrating the same database at once.
const MIGRATION_LOCK = 7_280_001;

/** Applies missing migrations; safe to run at every start and from several processes at once. */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    // A migration may rewrite a large table or wait for another collector's: the serving timeouts do not apply.
    await tx.exec('SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS headcount_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM headcount_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO headcount_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
