const counts = new Intl.NumberFormat('en', { maximumFractionDigits: 1, notation: 'compact' });
const exact = new Intl.NumberFormat('en');

/** 1234 -> "1,234"; past 100,000 compact ("1.2M"), the exact figure in the title. */
export function formatCount(n: number): string {
  return n >= 100_000 ? counts.format(n) : exact.format(n);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const formatPercent = (share: number) => `${Math.round(share * 100)}%`;

/** Change against the previous period: "+12%", "−5%", "new" when there was nothing before. */
export function formatChange(current: number, previous: number): string {
  if (previous === 0) return current === 0 ? '±0%' : 'new';
  const change = Math.round(((current - previous) / previous) * 100);
  return change > 0 ? `+${change}%` : change < 0 ? `−${Math.abs(change)}%` : '±0%';
}

export function formatTime(at: string | Date, timeZone: string, withDate = true): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', ...(withDate ? { day: 'numeric', month: 'short' } : {}),
  }).format(new Date(at));
}
