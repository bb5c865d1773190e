/** The one database interface the collector uses; PostgreSQL (`pg`) and embedded PGlite both implement it. */
import type { Statement } from './statement';

export interface Queryable {
  /**
   * One parameterized statement; returns its rows. With `name` (constant SQL on a hot path, one name per text)
   * PostgreSQL parses and plans it once per connection instead of at every call.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * `COPY table (columns) FROM STDIN` (`sql`) and its rows, in PostgreSQL's text format (tab-separated, `\N` for NULL,
 * backslash escapes): many rows parsed by their column types. The text comes in pieces, sent one after the other
 * (joining them first would copy it all once more, and flattening a long concatenation costs more than writing it).
 */
export interface Copy {
  sql: string;
  rows: readonly string[];
}

/** Prepared statements to run right after a COPY, and whether the transaction's COMMIT goes with them. */
export interface AfterCopy {
  statements: readonly Statement[];
  /** The transaction ends with them: nothing else may run in it afterwards. */
  commit: boolean;
}

/** One transaction's connection: statements, and bulk rows through COPY. */
export interface Transaction extends Queryable {
  /**
   * Runs the `copies` in order, between `around.before` and `around.after` (statements without parameters: a
   * SAVEPOINT and its RELEASE), then `next`'s statements and, when it says so, the COMMIT: in one round trip where
   * the driver can (PostgreSQL, once the statements are prepared on the connection). Rejects with the first error:
   * the statements after it did not run and nothing was committed.
   */
  copyFrom(copies: readonly Copy[], around?: { before: string; after: string }, next?: AfterCopy): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel`; resolves to an unsubscribe function. A dropped connection is
   * re-established by itself: `onDown` when it drops, `onUp` once it listens again (notifications in between are lost).
   */
  listen(channel: string, onMessage: (payload: string) => void, hooks?: ListenHooks): Promise<() => Promise<void>>;
  /**
   * Runs `fn` on a connection of its own, outside any transaction and without the serving statement timeout: work
   * that may not run in a transaction and takes as long as it takes (REINDEX CONCURRENTLY). PGlite: its one connection.
   */
  session<T>(fn: (session: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ListenHooks {
  onDown?: () => void;
  onUp?: () => void;
}

/** Raised when the database cannot be reached; the HTTP layer answers 503 + Retry-After. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  constructor(override readonly cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', // admin/crash shutdown, cannot connect now, too many connections
  '25P03', // idle_in_transaction_session_timeout ended the session
]);

// A statement that ran into statement_timeout or lock_timeout: the database is up but stuck or locked.
const TIMEOUT_CODES = new Set(['57014', '55P03']);

/** True when the database is up but a statement timed out (a held lock, a stuck disk): retry later. */
export function isDatabaseTimeout(err: unknown): boolean {
  const code = err instanceof DatabaseUnavailableError ? (err.cause as { code?: unknown })?.code : (err as { code?: unknown })?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code);
}

/**
 * True for failures of the connection itself, or timeouts (not a statement's own fault): worth retrying
 * later, never worth retrying the grouped requests one by one.
 */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  if (isDatabaseTimeout(err)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|not queryable/i.test(err.message);
}
