import type { Request, Response } from 'express';

export interface EventStreamOptions {
  /** After this long without an event, `onQuiet` runs: proxies and load balancers never time the stream out, and the client knows it is alive. */
  heartbeatMs: number;
  /** Sends something on a quiet stream (the count again: EventSource hides comments from the page). */
  onQuiet: (stream: EventStream) => void;
  /** Reconnection delay suggested to the client (`retry:`). */
  retryMs: number;
}

export interface EventStream {
  /** Sends one event; `id` is what the client sends back as Last-Event-ID when it reconnects. */
  send(event: string, data: unknown, id: string): void;
  /** Ends the stream and its connection (shutdown). */
  end(): void;
  /** Runs once when the stream ends, whoever ended it. */
  onClose(callback: () => void): void;
}

// A client that reads nothing for this long is dropped rather than buffered without end.
const MAX_BUFFERED_BYTES = 256 * 1024;

/** Turns the response into a Server-Sent Events stream (headers sent at once, then events; `onQuiet` between them). */
export function openEventStream(req: Request, res: Response, options: EventStreamOptions): EventStream {
  const callbacks: Array<() => void> = [];
  let closed = false;
  let sentSinceTick = false;

  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  req.socket.setKeepAlive(true);
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    // no-transform: a compressing proxy would hold events back to fill its buffers.
    'Cache-Control': 'no-cache, no-transform',
    // nginx buffers proxied responses unless told not to.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();

  const write = (chunk: string) => {
    if (closed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) return void res.destroy();
    res.write(chunk);
  };

  // Checked every period: a stream is never quiet for more than two periods.
  const heartbeat = setInterval(() => {
    if (!sentSinceTick) options.onQuiet(stream);
    sentSinceTick = false;
  }, options.heartbeatMs);
  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const callback of callbacks.splice(0)) callback();
  };
  res.on('close', cleanup);
  // The client may have gone while we authenticated: its 'close' has then already fired.
  if (!res.socket || res.socket.destroyed) cleanup();
  write(`retry: ${options.retryMs}\n\n`);

  const stream: EventStream = {
    send(event, data, id) {
      sentSinceTick = true;
      write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (closed) return;
      const socket = res.socket;
      res.end();
      // A kept-alive connection would hold a closing server open until its keep-alive timeout.
      socket?.end();
      cleanup();
    },
    onClose(callback) {
      if (closed) callback();
      else callbacks.push(callback);
    },
  };
  return stream;
}
