// The webhook receiver, as its own process so that its receive times are not delayed by the load generator:
// answers every delivery at once with {"code":0} (what CloudPayments notifications need; other faces take
// any 2xx) and records the event id header and the receive time. Control endpoints (never delivered to):
//   GET  /__stats?prefix=P   {"count":…,"first":…,"last":…} of receipts whose event id starts with P
//   GET  /__receipts          [[eventId, epochMs], …]
//   POST /__reset
// Prints {"url": …} once it listens on 127.0.0.1.
import { createServer } from 'node:http';

let ids: string[] = [];
let times: number[] = [];

const server = createServer((req, res) => {
  const at = Date.now();
  const url = req.url ?? '';
  if (url.startsWith('/__')) {
    req.resume();
    const send = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.startsWith('/__stats')) {
      const prefix = new URL(url, 'http://x').searchParams.get('prefix') ?? '';
      let count = 0;
      let first: number | null = null;
      let last: number | null = null;
      for (let i = 0; i < ids.length; i++) {
        if (!ids[i]!.startsWith(prefix)) continue;
        count++;
        first ??= times[i]!;
        last = times[i]!;
      }
      return send({ count, first, last });
    }
    if (url.startsWith('/__receipts')) return send(ids.map((id, i) => [id, times[i]]));
    if (url.startsWith('/__reset')) {
      ids = [];
      times = [];
      return send({ ok: true });
    }
    return send({});
  }
  const id = req.headers['x-polypay-event-id'];
  ids.push(Array.isArray(id) ? id[0]! : (id ?? ''));
  times.push(at);
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10' }).end('{"code":0}'));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` }) + '\n');
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
