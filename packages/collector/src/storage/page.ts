/** Splits `limit + 1` fetched rows into one page and whether more follow (keyset pagination). */
export function pageOf<T>(rows: readonly T[], limit: number): { page: T[]; last: T | undefined; more: boolean } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : [...rows];
  return { page, last: page[page.length - 1], more };
}
