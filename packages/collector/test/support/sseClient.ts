/** One Server-Sent Event as the client parsed it. */
export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

export interface SseClient {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  comments: string[];
  retry: number | undefined;
  /** The latest `active` event's count. */
  lastCount(): number | undefined;
  /** Resolves when an `active` event reports `count` (or the latest one already did). */
  untilCount(count: number, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves once `n` events (of any kind) have arrived. */
  untilMessages(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when a comment line arrives after this call. */
  nextComment(timeoutMs?: number): Promise<string>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

function timeout<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** Opens an SSE stream with fetch and parses it as EventSource would (event, data, id, retry, comments). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const client: SseClient = {
    status: res.status,
    headers: res.headers,
    messages,
    comments,
    retry: undefined,
    lastCount() {
      const last = messages.filter((m) => m.event === 'active').at(-1);
      return last ? (JSON.parse(last.data) as { activeUsers: number }).activeUsers : undefined;
    },
    untilCount(count, ms = 5000) {
      return timeout(ms, `activeUsers ${count} (last ${client.lastCount()})`, new Promise<SseMessage>((resolve) => {
        const check = () => {
          if (client.lastCount() !== count) return;
          waiters.delete(check);
          resolve(messages.filter((m) => m.event === 'active').at(-1) as SseMessage);
        };
        waiters.add(check);
        check();
      }));
    },
    untilMessages(n, ms = 5000) {
      return timeout(ms, `${n} events (got ${messages.length})`, new Promise<void>((resolve) => {
        const check = () => {
          if (messages.length < n) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }));
    },
    nextComment(ms = 5000) {
      const seen = comments.length;
      return timeout(ms, 'a comment', new Promise<string>((resolve) => {
        const check = () => {
          if (comments.length <= seen) return;
          waiters.delete(check);
          resolve(comments[seen] as string);
        };
        waiters.add(check);
      }));
    },
    ended: Promise.resolve(),
    close: () => abort.abort(),
  };
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return client;

  client.ended = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let current: SseMessage = { event: 'message', data: '', id: undefined };
    let hasData = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let newline: number;
        while ((newline = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(buffer[newline] === '\r' ? newline + 2 : newline + 1);
          if (line === '') {
            if (hasData) messages.push(current);
            current = { event: 'message', data: '', id: current.id };
            hasData = false;
          } else if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'event') current.event = value;
            else if (field === 'data') {
              current.data = hasData ? `${current.data}\n${value}` : value;
              hasData = true;
            } else if (field === 'id') current.id = value;
            else if (field === 'retry') client.retry = Number(value);
          }
          notify();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return client;
}
