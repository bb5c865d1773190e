/** One person's ids: anonymousIds and userIds linked by identify, events carrying both, and alias. */

type Link = readonly [string, string];

/** The links events carry before they are recorded: anonymousId–userId, and alias previousId–userId. */
export function linksIn(events: ReadonlyArray<{ type: string; anonymousId: string | null; userId: string | null; previousId?: string | null }>): Link[] {
  return events.flatMap((e): Link[] => [
    ...(e.anonymousId && e.userId ? [[e.anonymousId, e.userId] as const] : []),
    ...(e.type === 'alias' && e.previousId && e.userId ? [[e.previousId, e.userId] as const] : []),
  ]);
}

/** Groups ids by links: the answer maps an id to its person's representative (itself when it has no link). */
export function personOf(links: readonly Link[]): (id: string) => string {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    if (root !== id) parent.set(id, root);
    return root;
  };
  for (const [a, b] of links) {
    const ra = find(a);
    const rb = find(b);
    // The smaller id represents the person, whatever the order the links came in.
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  return find;
}

/** An event's own ids. */
export const idsOf = (e: { anonymousId: string | null; userId: string | null }): string[] =>
  [e.anonymousId, e.userId].filter((id): id is string => id !== null);
