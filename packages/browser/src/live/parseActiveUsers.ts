import type { ActiveUsersResponse } from '@headcount/schema';

/** The count from an `ActiveUsersResponse` (JSON text or parsed), or `null` when the payload is not one. */
export function parseActiveUsers(payload: unknown): number | null {
  try {
    const count = (typeof payload === 'string' ? JSON.parse(payload) : payload as Partial<ActiveUsersResponse> | null)?.activeUsers;
    // JSON has no Infinity; NaN fails the comparison.
    return typeof count === 'number' && count >= 0 ? count : null;
  } catch {
    return null;
  }
}
