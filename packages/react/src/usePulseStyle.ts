import { useInsertionEffect } from 'react';

const STYLE_ID = 'headcount-active-users-style';

/** Only the animation lives in a stylesheet: the dot's look is inline, so a strict CSP that blocks this tag leaves a still dot. */
const CSS =
  '@keyframes headcount-pulse{0%{box-shadow:0 0 0 0 rgba(34,197,94,.55)}70%{box-shadow:0 0 0 .45em rgba(34,197,94,0)}100%{box-shadow:0 0 0 0 rgba(34,197,94,0)}}' +
  '.headcount-active-users-pulse{animation:headcount-pulse 2s ease-out infinite}' +
  '@media (prefers-reduced-motion:reduce){.headcount-active-users-pulse{animation:none}}';

export const PULSE_CLASS = 'headcount-active-users-pulse';

/** Adds the pulse keyframes to the document once; insertion effects never run on the server, so SSR stays untouched. */
export function usePulseStyle(enabled: boolean): void {
  useInsertionEffect(() => {
    if (!enabled || document.getElementById(STYLE_ID)) return;
    const style = document.createElement('style');
    style.id = STYLE_ID;
    style.textContent = CSS;
    document.head.appendChild(style);
  }, [enabled]);
}
