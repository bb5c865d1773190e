import type { ActiveUsersResponse } from '@headcount/schema';

/** The count from an `ActiveUsersResponse` (JSON text or parsed), or `null` when the payload is not one. */
export function parseActiveUsers(payload: unknown): number | null {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const count = (value as Partial<ActiveUsersResponse> | null)?.activeUsers;
  return typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : null;
}
