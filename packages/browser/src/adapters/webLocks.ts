/** One sender across tabs with the Web Locks API; without it (or if it fails) the tab sends unlocked and the collector dedupes. */
export function webLock(name: string): (fn: () => Promise<void>) => Promise<unknown> {
  return (fn) => {
    const locks = navigator.locks;
    return locks ? locks.request(name, fn).catch(fn) : fn();
  };
}
