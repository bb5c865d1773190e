/** Ids for events, sessions and visitors. */

let seq = 0;

/**
 * A unique id that sorts by creation time: the queue's key (oldest first) and the messageId.
 * The time part keeps the queue in order across tabs; ~80 random bits make collisions negligible.
 */
export function createId(now: number, random: () => number): string {
  const part = () => random().toString(36).slice(2, 10);
  return (now * 1e3 + (seq++ % 1e3)).toString(36) + '-' + part() + part();
}
