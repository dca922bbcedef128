// The ceiling: a bare Fastify server that echoes a JSON POST (and answers a GET with a small JSON object).
// Run as its own process; prints {"url": ...} when it listens on 127.0.0.1.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/echo', async (req) => req.body);
app.get('/echo', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const a = app.server.address();
process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` }) + '\n');
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
