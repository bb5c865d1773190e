import type { Connection, Submittable } from 'pg';

/**
 * `COPY … FROM STDIN` with all its rows in one write and one round trip: the Query message, the rows as one
 * CopyData message and CopyDone go out together, without waiting for PostgreSQL's CopyInResponse. That is safe
 * by the protocol: should the statement fail before copy mode, the backend ignores CopyData and CopyDone that
 * arrive outside it. (A streaming COPY client waits for CopyInResponse first: a round trip and four writes.)
 *
 * `sql` is one simple Query that may hold several statements (`BEGIN; SAVEPOINT s; COPY …; COPY …`), so a
 * transaction can open with its first write; `rows` holds the rows of each of its COPYs, in order. After an error
 * the backend skips the rest of the Query and ignores the copy data still to come. Resolves once PostgreSQL is ready
 * for the next statement; rejects with its error.
 */
export class CopyIn implements Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;

  constructor(private readonly sql: string, private readonly rows: readonly string[]) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    const sql = Buffer.byteLength(this.sql);
    const rows = this.rows.map((r) => Buffer.byteLength(r));
    const message = Buffer.allocUnsafe(1 + 4 + sql + 1 + rows.reduce((sum, bytes) => sum + 1 + 4 + bytes + 1 + 4, 0));
    let at = message.writeUInt8(0x51, 0); // 'Q'
    at = message.writeInt32BE(4 + sql + 1, at);
    at += message.write(this.sql, at);
    at = message.writeUInt8(0, at);
    this.rows.forEach((text, i) => {
      at = message.writeUInt8(0x64, at); // 'd'
      at = message.writeInt32BE(4 + (rows[i] as number), at);
      at += message.write(text, at);
      at = message.writeUInt8(0x63, at); // 'c'
      at = message.writeInt32BE(4, at);
    });
    (connection as unknown as { stream: { write(b: Buffer): boolean } }).stream.write(message);
  }

  // pg calls these as the backend answers; the rows went out with the statement, so there is nothing to do but wait.
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleReadyForQuery(): void {
    this.resolve();
  }

  /** An ErrorResponse, or the connection lost: pg calls no handleReadyForQuery after it. */
  handleError(err: Error): void {
    this.reject(err);
  }

  /** pg replaces this with its timeout bookkeeping when a query timeout is set. */
  callback(): void {}
}
