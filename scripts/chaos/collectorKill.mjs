// kill -9 of the collector under load from retrying clients: every acknowledged event is stored, once.
import { sleep, underLoad } from './lib/underLoad.mjs';

export const name = 'kill -9 of the collector under load';

/**
 * `kills` times during `loadMs`, the collector is killed with SIGKILL and started again on its port
 * after `downMs`; the clients keep sending and retrying throughout, then drain their queues.
 */
export function run({ kills = 3, downMs = 300, ...load } = {}) {
  const restartMs = [];
  return underLoad({
    ...load,
    times: kills,
    async disrupt({ collector, restart }) {
      await collector().kill('SIGKILL');
      const killedAt = performance.now();
      await sleep(downMs);
      await restart();
      restartMs.push(Math.round(performance.now() - killedAt));
    },
    finish: ({ collector }) => ({ kills, restartMs, collectorExitedOnItsOwn: collector().exit() !== undefined }),
  });
}
