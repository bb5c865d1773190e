export const USER_AGENTS: string[];

export interface EventFactory {
  runId: string;
  /** `{batch: [...], sentAt}` with `size` events, as JSON text. */
  batchBody(size: number): string;
  /** One track event with its own `sentAt`, as JSON text. */
  trackBody(): string;
}

export function createEventFactory(options?: { sessions?: number; sessionsPerBatch?: number; host?: string }): EventFactory;
