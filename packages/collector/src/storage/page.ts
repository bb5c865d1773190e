/** One page of a keyset-paginated list: its items and, when more follow, the sort position of its last row. */
export interface KeysetPage<T, P> {
  items: T[];
  /** Where the next page starts after; null on the last page. */
  next: P | null;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only tells that more follow. */
export function keysetPage<R, T, P>(rows: readonly R[], limit: number, toItem: (row: R) => T, positionOf: (row: R) => P): KeysetPage<T, P> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toItem), next: rows.length > limit && last ? positionOf(last) : null };
}
