// Requests the HTTP layer refuses before routing (undecodable URLs) get each face's own error format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('errors before routing', () => {
  let h: TestGateway;
  beforeAll(async () => {
    h = await startTestGateway('sqlite');
  });
  afterAll(async () => h?.close());

  it('answers in the face format of the URL prefix', async () => {
    expect(await rawGet(h.url, '/way2pay/api/v1/pay-in/%E0%A4%A')).toEqual({
      status: 400,
      body: '{"success":false,"error":{"message":"wrong input","code":20000}}',
    });
    expect(await rawGet(h.url, '/numopay/v2/accounts/%E0%A4%A')).toEqual({ status: 400, body: '{"error":"Bad request"}' });
    const np = await rawGet(h.url, '/novapay/v1/%E0%A4%A');
    expect(np.status).toBe(400);
    expect(JSON.parse(np.body).type).toBe('validation');
    expect((await rawGet(h.url, '/other/%E0%A4%A')).status).toBe(400);
  });
});
