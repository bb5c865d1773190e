/**
 * One total order (UTF-16 code units, the same in every process) for the keys writers lock:
 * transactions that take row and advisory locks in it cannot deadlock each other.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
