/** User input that keeps a session alive (and in kiosk mode, starts one). */
import { listen } from './listen';

const INPUT_EVENTS = 'pointerdown pointermove touchstart keydown wheel scroll';

export const watchActivity = (onInput: () => void) => listen(window, INPUT_EVENTS, onInput);
