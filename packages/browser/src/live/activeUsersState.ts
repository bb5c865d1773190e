/** How the count is currently reaching the page. */
export type ActiveUsersStatus = 'connecting' | 'live' | 'polling' | 'error';

/** What `useActiveUsers` returns; one immutable object per change so `useSyncExternalStore` can compare by reference. */
export interface ActiveUsersState {
  /** Visitors active right now; `null` while unknown (before the first answer, during server render, after a fatal error). */
  count: number | null;
  /** `connecting` until a channel delivers, `live` over SSE, `polling` on the `GET /v1/active` fallback, `error` when retrying cannot help. */
  status: ActiveUsersStatus;
  /** The latest problem: fatal when `status` is `error`, otherwise a transient one that is being retried. */
  error: ActiveUsersError | null;
}

/** An error answered by the collector (`{"error":{code,message}}`) or met on the way to it. */
export class ActiveUsersError extends Error {
  override readonly name = 'ActiveUsersError';

  constructor(
    /** The collector's snake_case code (e.g. `invalid_write_key`), or `network_error`, `timeout`, `invalid_response`, `unsupported`. */
    readonly code: string,
    message: string,
    /** HTTP status of the answer; 0 when there was none. */
    readonly httpStatus = 0,
  ) {
    super(message);
  }
}

/** The state before anything is known; also the server snapshot, so server and hydration render the same nothing. */
export const UNKNOWN_ACTIVE_USERS: ActiveUsersState = Object.freeze({ count: null, status: 'connecting', error: null });
