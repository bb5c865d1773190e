// Test doubles for the browser's live-connection globals.
type Listener = (event: MessageEvent) => void;

/** Records every instance; tests drive it with `emitActive` and `fail`. */
export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  closed = false;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.closed = true;
  }

  /** The collector's `event: active` message. */
  emitActive(activeUsers: number): void {
    this.readyState = FakeEventSource.OPEN;
    const data = JSON.stringify({ activeUsers, windowSeconds: 300, at: new Date(0).toISOString() });
    this.dispatch('active', { data } as MessageEvent);
  }

  /** An error event; `CLOSED` is what EventSource does on a non-200 answer, `CONNECTING` on a dropped connection. */
  fail(readyState: number = FakeEventSource.CLOSED): void {
    this.readyState = readyState;
    this.dispatch('error', {} as MessageEvent);
  }

  static live(): FakeEventSource[] {
    return FakeEventSource.instances.filter((source) => !source.closed);
  }

  static latest(): FakeEventSource {
    const source = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!source) throw new Error('no EventSource was created');
    return source;
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  private dispatch(type: string, event: MessageEvent): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export const activeBody = (activeUsers: number) => ({ activeUsers, windowSeconds: 300, at: new Date(0).toISOString() });

export const invalidWriteKey = {
  error: { code: 'invalid_write_key', message: 'Unknown write key: check the writeKey of your app.' },
};
