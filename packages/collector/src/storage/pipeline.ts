import type { Connection, Submittable } from 'pg';

/**
 * One statement of a pipeline: SQL without parameters (parsed as it goes: BEGIN, SAVEPOINT, COPY, COMMIT), with the
 * rows of its `COPY … FROM STDIN` if it is one (its text in pieces); or a statement already prepared on the connection, by name, with its
 * parameters as text.
 */
export type Step = { sql: string; rows?: readonly string[] } | { name: string; params: ReadonlyArray<string | null> };

/**
 * Statements in one write and one round trip, by the extended protocol with a single Sync: Parse, Bind and Execute
 * of each, a COPY's rows (CopyData, CopyDone) right after its Execute, without waiting for PostgreSQL's
 * CopyInResponse. PostgreSQL runs them in order; at the first error it answers ErrorResponse and skips everything
 * up to the Sync, a COPY's rows included (the protocol: after an error the backend discards messages until Sync,
 * and drops copy data that arrives outside copy mode). So: resolves once every statement ran; rejects with the first
 * error, after which none of the later statements ran. (A streaming COPY client waits for CopyInResponse first:
 * a round trip and several writes per COPY, and one more round trip per statement after it.)
 */
export class Pipeline implements Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;
  /** Encoded here, not in submit: should it throw, pg has not yet taken the connection for this query. */
  private readonly message: Buffer;

  constructor(steps: readonly Step[]) {
    this.message = encode(steps);
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    (connection as unknown as { stream: { write(b: Buffer): boolean } }).stream.write(this.message);
  }

  // pg calls these as the backend answers; everything went out at once, so there is nothing to do but wait.
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleReadyForQuery(): void {
    this.callback(null);
    this.resolve();
  }

  /** An ErrorResponse, or the connection lost: pg calls no handleReadyForQuery after it. */
  handleError(err: Error): void {
    this.callback(err);
    this.reject(err);
  }

  /** Called once the pipeline is over; pg wraps it with its timer's bookkeeping when a query timeout is set. */
  callback(_err: Error | null): void {}
}

/** The frontend messages of `steps` and the closing Sync, in one buffer. */
function encode(steps: readonly Step[]): Buffer {
  const out = new Writer();
  // Two passes over the same code: the first only measures (no buffer yet), the second writes.
  for (let pass = 0; pass < 2; pass++) {
    for (const step of steps) {
      const parsed = 'sql' in step;
      if (parsed) out.message(0x50, () => (out.cstring(''), out.cstring(step.sql), out.int16(0))); // Parse: unnamed, no parameter types
      bind(out, parsed ? '' : step.name, parsed ? [] : step.params);
      out.message(0x45, () => (out.cstring(''), out.int32(0))); // Execute the unnamed portal, every row
      const rows = parsed ? step.rows : undefined;
      if (rows) {
        out.message(0x64, () => rows.forEach((piece) => out.text(piece))); // CopyData
        out.message(0x63, () => {}); // CopyDone
      }
    }
    out.message(0x53, () => {}); // Sync
    if (pass === 0) out.allocate();
  }
  return out.buffer();
}

/** Bind: the unnamed portal to `statement`, every parameter and result in text format. */
function bind(out: Writer, statement: string, params: ReadonlyArray<string | null>): void {
  out.message(0x42, () => {
    out.cstring('');
    out.cstring(statement);
    out.int16(0);
    out.int16(params.length);
    for (const p of params) {
      if (p === null) out.int32(-1);
      else out.sized(p);
    }
    out.int16(0);
  });
}

/** Measures, then writes, protocol messages: a type byte and an Int32 length that counts itself and the body. */
class Writer {
  private buf: Buffer | null = null;
  private at = 0;
  /** UTF-8 lengths of the parameters, measured in the first pass, in order, for their length prefixes in the second. */
  private readonly lengths: number[] = [];
  private next = 0;

  allocate(): void {
    this.buf = Buffer.allocUnsafe(this.at);
    this.at = 0;
  }

  buffer(): Buffer {
    return this.buf as Buffer;
  }

  message(type: number, body: () => void): void {
    const start = this.at;
    if (this.buf) this.buf[start] = type;
    this.at += 5;
    body();
    if (this.buf) this.buf.writeInt32BE(this.at - start - 1, start + 1);
  }

  int16(n: number): void {
    if (this.buf) this.buf.writeInt16BE(n, this.at);
    this.at += 2;
  }

  int32(n: number): void {
    if (this.buf) this.buf.writeInt32BE(n, this.at);
    this.at += 4;
  }

  /** UTF-8 text without a terminator. */
  text(s: string): void {
    this.at += this.utf8(s);
  }

  /** UTF-8 text and its NUL terminator. */
  cstring(s: string): void {
    this.text(s);
    if (this.buf) this.buf[this.at] = 0;
    this.at += 1;
  }

  /** A parameter: its Int32 byte length, then its UTF-8 text. */
  sized(s: string): void {
    let bytes: number;
    if (this.buf) bytes = this.lengths[this.next++] as number;
    else this.lengths.push((bytes = Buffer.byteLength(s)));
    this.int32(bytes);
    this.at += this.buf ? this.buf.write(s, this.at) : bytes;
  }

  /** Writes `s` (second pass) or measures it (first pass); its byte count either way. */
  private utf8(s: string): number {
    return this.buf ? this.buf.write(s, this.at) : Buffer.byteLength(s);
  }
}
