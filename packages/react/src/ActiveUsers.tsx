import type { CSSProperties, ReactNode } from 'react';
import type { ActiveUsersStatus } from '@headcount/browser/live';
import { useActiveUsers } from './useActiveUsers';
import { PULSE_CLASS, usePulseStyle } from './usePulseStyle';

export interface ActiveUsersProps {
  /** The collector's origin, e.g. `https://collector.example`; `''` for the page's own origin. */
  host: string;
  /** The app's public write key. */
  writeKey: string;
  /** Count only the visitors whose latest page is this path (e.g. `/pricing`). */
  path?: string | undefined;
  /** Render nothing while the count is 0 (default `true`); nothing is ever rendered while it is unknown. */
  hideWhenZero?: boolean;
  /** Class of the `aria-live` wrapper. */
  className?: string;
  /** Custom content instead of the dot and "N online". */
  children?: (count: number) => ReactNode;
}

const wrapperStyle: CSSProperties = { display: 'inline-flex', alignItems: 'center', gap: '0.4em' };

function dotStyle(status: ActiveUsersStatus): CSSProperties {
  const fresh = status === 'live' || status === 'polling';
  // Grey while reconnecting: the number shown may be stale.
  return { width: '0.5em', height: '0.5em', borderRadius: '50%', flex: 'none', background: fresh ? '#22c55e' : '#9ca3af' };
}

/** How many people use the app right now: a pulsing dot and "N online", announced politely to screen readers. */
export function ActiveUsers({ host, writeKey, path, hideWhenZero = true, className, children }: ActiveUsersProps) {
  const { count, status } = useActiveUsers({ host, writeKey, path });
  const visible = count !== null && (count > 0 || !hideWhenZero);
  usePulseStyle(visible && !children);
  if (!visible) return null;

  if (children) {
    return (
      <span className={className} aria-live="polite" aria-atomic="true" data-status={status}>
        {children(count)}
      </span>
    );
  }
  const pulsing = status === 'live' || status === 'polling';
  return (
    <span className={className} style={wrapperStyle} aria-live="polite" aria-atomic="true" data-status={status}>
      <span aria-hidden="true" className={pulsing ? PULSE_CLASS : undefined} style={dotStyle(status)} />
      <span>{count.toLocaleString()} online</span>
    </span>
  );
}
