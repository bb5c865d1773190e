/** The session shared by every tab of the origin (client.ts starts, extends and ends it). */
import type { Attribution } from './ports';

/** The shared session record (short keys: it is rewritten on activity). */
export interface SessionRecord {
  /** Session id. */
  i: string;
  /** Wall-clock start, ms. */
  s: number;
  /** Wall-clock time of the last activity any tab wrote, ms. */
  l: number;
  /** Attribution captured at the start, carried by every event of the session. */
  a: Attribution;
  /** The landing source the session started with (`CoreEnv.source`). */
  t?: string;
}

/** The live session, if any (null or undefined: none). */
export type Current = SessionRecord | null | undefined;

/** The live session, or the one being started (decided under the cross-tab lock). */
export type Live = Current | Promise<Current>;
