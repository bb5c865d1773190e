/** The part of pg-copy-streams the collector uses (the package ships no types). */
declare module 'pg-copy-streams' {
  import type { Writable } from 'node:stream';
  import type { Submittable } from 'pg';

  /** `COPY ... FROM STDIN`: write the rows, end the stream; 'finish' once PostgreSQL has them all. */
  export function from(copySql: string): Writable & Submittable;
}
