import type { Queryable } from './database';

/** A prepared statement with its parameters (Queryable.query's `name`: one per SQL text). */
export interface Statement {
  sql: string;
  params: unknown[];
  name: string;
}

/**
 * Data-modifying statements run as one (each a CTE, its parameters renumbered after the previous ones'): one round
 * trip and one execution where there were several. Each still writes its own table once, in the order given (the
 * order locks are taken in): PostgreSQL runs the CTEs its query does not read last-listed first, so they are listed
 * in reverse (a test checks the order).
 */
export function together(statements: readonly Statement[]): Statement {
  if (statements.length === 1) return statements[0] as Statement;
  let offset = 0;
  const parts = statements.map(({ sql, params }, i) => {
    const shift = offset;
    offset += params.length;
    return `s${i} AS (${sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`)})`;
  });
  return {
    sql: `WITH ${parts.reverse().join(', ')} SELECT 1`,
    params: statements.flatMap((s) => s.params),
    name: statements.map((s) => s.name).join('+'),
  };
}

export const run = (db: Queryable, { sql, params, name }: Statement) => db.query(sql, params, name);

/**
 * Times travel in a statement's JSON as milliseconds since 1970 (a number serializes several times faster than a
 * Date) and are made exact times in SQL by `atMs`: a whole number of milliseconds times an interval, no division.
 */
export const msOf = (at: Date | null) => (at === null ? null : at.getTime());
export const atMs = (ms: string) => `timestamptz 'epoch' + ${ms} * interval '1 millisecond'`;
