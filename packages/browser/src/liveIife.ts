// dist/headcount-live.js: `<script src="https://collector.example/headcount-live.js" defer>` defines <headcount-live>.
import { defineHeadcountLive } from './live/headcountLiveElement';

try {
  // The collector that served this script is the default host of every element.
  const script = document.currentScript as HTMLScriptElement | null;
  defineHeadcountLive(script?.src ? new URL(script.src).origin : '');
} catch {
  // Never throw into the host page (no custom elements in this browser, or a name already taken).
}
