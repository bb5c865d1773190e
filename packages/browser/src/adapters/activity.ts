/** User input that keeps a session alive (and in kiosk mode, starts one). */

/** Deliberate input; the web also counts pointer moves and scrolls as activity. */
export const DELIBERATE = 'pointerdown touchstart keydown wheel';
