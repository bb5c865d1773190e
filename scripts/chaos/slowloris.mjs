// Slowloris: connections that send their headers a line at a time and never finish. The server's
// header timeout closes them all.
import net from 'node:net';
import { underAbuse } from './lib/underAbuse.mjs';

export const name = 'slowloris: 2,000 connections that never finish their headers';

export function run({ command, connections = 2000, holdMs = 25_000, addresses = 20 } = {}) {
  return underAbuse({
    command,
    async abuse({ port }) {
      const sockets = [];
      let closedByServer = 0;
      let connected = 0;
      for (let i = 0; i < connections; i++) {
        const socket = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.2.${(i % addresses) + 1}` });
        socket.on('connect', () => { connected++; });
        // A write after the server closed it resets: expected, and counted as closed below.
        socket.on('error', () => {});
        socket.on('close', () => { closedByServer++; });
        socket.write('POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n');
        sockets.push(socket);
      }
      // A header line every 2 s: a server without a header timeout would hold them forever.
      const drip = setInterval(() => {
        for (const socket of sockets) if (!socket.destroyed) socket.write(`X-Slow-${Math.random().toString(36).slice(2, 6)}: 1\r\n`);
      }, 2000);
      await new Promise((r) => setTimeout(r, holdMs));
      clearInterval(drip);
      for (const socket of sockets) socket.destroy();
      const broken = [];
      if (connected < connections) broken.push(`only ${connected} of ${connections} slow connections connected`);
      if (closedByServer < connections) broken.push(`${connections - closedByServer} slow connections were still open after ${holdMs / 1000} s`);
      return { figures: { connections, connected, closedByServerWithin: `${closedByServer} in ${holdMs / 1000} s` }, broken };
    },
  });
}
