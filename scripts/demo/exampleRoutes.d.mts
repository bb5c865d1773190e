import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ExampleRoutesOptions {
  /** The write key the example pages send with. */
  writeKey: string;
  /** The kiosk's idle timeout in seconds, unless the page URL has `?idleTimeout=N` (default 20). */
  kioskIdleTimeout?: number;
}

/** Connect-style middleware serving `/examples/kiosk/` and `/examples/spa/` (mount it through `extraRoutes`). */
export function exampleRoutes(
  options: ExampleRoutesOptions,
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => Promise<void>;
