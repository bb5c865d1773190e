/** Cross-tab locks with the Web Locks API; where it is missing or refuses, `fn` runs unlocked and the callers cope. */
export function webLock(prefix: string): (name: string, fn: () => unknown) => Promise<unknown> {
  // The functions run under a lock never reject, so a rejection here is a refused request.
  return async (name, fn) => navigator.locks?.request(prefix + name, fn).catch(fn) ?? fn();
}

/** Names (without `prefix`) of the session announcements held now (names that continue with '['); undefined without Web Locks. */
export const heldLocks = (prefix: string): (() => Promise<string[]> | undefined) => {
  return () =>
    navigator.locks?.query().then(
      // A snapshot always lists what is held, and a lock always has a name (the types make both optional).
      (state) =>
        state
          .held!.map((l) => l.name!)
          .filter((name) => name.startsWith(prefix + '['))
          .map((name) => name.slice(prefix.length)),
      () => [],
    );
};
