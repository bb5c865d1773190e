/** User input that keeps a session alive (and in kiosk mode, starts one). */
import { listen } from './listen';

/** Deliberate input: a hover or a script's scroll must never start a kiosk session for nobody. */
const DELIBERATE = 'pointerdown touchstart keydown wheel';

export const watchActivity = (onInput: () => void, kiosk: boolean) =>
  listen(window, kiosk ? DELIBERATE : DELIBERATE + ' pointermove scroll', onInput);
