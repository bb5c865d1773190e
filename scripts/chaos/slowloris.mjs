// Slowloris: connections that send their headers a line at a time and never finish. The server's
// header timeout closes them; the process stays up and small; a visitor meanwhile gets 200s.
import net from 'node:net';
import { createCollectorApp } from './lib/collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './lib/collectorProcess.mjs';
import { freePort } from './lib/freePort.mjs';
import { rssMb, startVisitor, watchRss } from './lib/loopbackTraffic.mjs';
import { createScratchDatabase } from './lib/scratchDatabase.mjs';

export const name = 'slowloris: 2,000 connections that never finish their headers';

const RSS_LIMIT_MB = 300;
const P99_LIMIT_MS = 1000;

export async function run({ command = BUILT_COLLECTOR, connections = 2000, holdMs = 25_000, addresses = 20 } = {}) {
  const database = await createScratchDatabase();
  let collector;
  const sockets = [];
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: database.url, name: 'chaos' });
    const port = await freePort();
    collector = await startCollectorProcess({ command, port, env: { DATABASE_URL: database.url } });
    const rssBeforeMb = rssMb(collector.pid);
    const rss = watchRss(collector.pid);
    const visitor = startVisitor({ url: collector.url, writeKey });

    let closedByServer = 0;
    let connected = 0;
    for (let i = 0; i < connections; i++) {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.2.${(i % addresses) + 1}` });
      socket.on('connect', () => { connected++; });
      // A write after the server closed it resets: expected, and counted as closed below.
      socket.on('error', () => {});
      socket.on('close', () => { closedByServer++; });
      socket.write(`POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`);
      sockets.push(socket);
    }
    // A header line every 2 s: a server without a header timeout would hold them forever.
    const drip = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write(`X-Slow-${Math.random().toString(36).slice(2, 6)}: 1\r\n`);
    }, 2000);
    await new Promise((r) => setTimeout(r, holdMs));
    clearInterval(drip);

    const visits = await visitor.stop();
    const rssPeakMb = rss.stop();
    const figures = {
      connections,
      closedByServerWithin: `${closedByServer} in ${holdMs / 1000} s`,
      connected,
      rssBeforeMb,
      rssPeakMb,
      visitor: visits,
      collectorExited: collector.exit() !== undefined,
    };
    const broken = [];
    if (figures.collectorExited) broken.push('the collector exited');
    if (connected < connections) broken.push(`only ${connected} of ${connections} slow connections connected`);
    if (closedByServer < connections) broken.push(`${connections - closedByServer} slow connections were still open after ${holdMs / 1000} s`);
    if (rssPeakMb > RSS_LIMIT_MB) broken.push(`RSS peaked at ${rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
    if (Object.keys(visits.statuses).some((status) => status !== '200')) broken.push(`the visitor got ${JSON.stringify(visits.statuses)}`);
    if (visits.p99Ms >= P99_LIMIT_MS) broken.push(`the visitor's p99 was ${visits.p99Ms} ms`);
    if (broken.length > 0) throw new Error(`${broken.join('; ')}\n${JSON.stringify(figures)}`);
    return figures;
  } finally {
    for (const socket of sockets) socket.destroy();
    await collector?.kill('SIGTERM').catch(() => {});
    await database.drop();
  }
}
