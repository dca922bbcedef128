// The API reference: GET /docs (the faces this gateway serves and the admin API), GET /docs/<face> (a page
// rendered from the face's OpenAPI document, where each operation can be signed and sent from the browser)
// and GET /docs/<face>/openapi.json. No authentication: like the faces themselves, the reference is public; the
// demo merchant's secrets are filled in only for an operator signed in to the dashboard (its session cookie).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nonce, securePage } from '../../faces/kit/html.js';
import { operations } from '../../faces/kit/openapi.js';
import type { ReferenceContext } from './context.js';
import { credentialFields, demoCredentials, exampleValues } from './credentials.js';
import { documentFor } from './documents.js';
import { renderFacePage, renderIndex } from './render.js';

export type { ReferenceContext } from './context.js';

export async function registerReference(app: FastifyInstance, ctx: ReferenceContext): Promise<void> {
  const find = (name: string) => ctx.faces.find((f) => f.name === name);
  const notFound = (reply: FastifyReply) => {
    const n = nonce();
    return securePage(reply.code(404), n).send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><p>No such API. <a href="/docs">All APIs</a></p></body></html>`,
    );
  };

  app.get('/docs', async (req: FastifyRequest, reply: FastifyReply) => {
    const base = ctx.baseUrl(req);
    const demo = await demoCredentials(ctx);
    const entries = ctx.faces.map((face) => {
      const doc = documentFor(face, base, ctx.facePortUrl(face.name));
      return {
        face: face.name,
        title: doc.info.title,
        summary: face.summary,
        operations: operations(doc).length,
        webhooks: Object.keys(doc['x-webhooks'] ?? {}).length,
        baseUrl: doc.servers[0]?.url ?? '',
      };
    });
    const n = nonce();
    const operator = await ctx.isOperator(req);
    return securePage(reply, n).send(renderIndex(entries, { nonce: n, demo: demo !== undefined, operator }));
  });
  app.get('/docs/', async (_req, reply) => reply.redirect('/docs', 301));

  app.get('/docs/:face', async (req: FastifyRequest, reply: FastifyReply) => {
    const face = find((req.params as { face: string }).face);
    if (!face) return notFound(reply);
    const demo = await demoCredentials(ctx);
    const creds = demo?.[face.name];
    const examples = await exampleValues(ctx, face, creds);
    const operator = await ctx.isOperator(req);
    const n = nonce();
    const html = renderFacePage({
      doc: documentFor(face, ctx.baseUrl(req), ctx.facePortUrl(face.name)),
      face: face.name,
      prefix: face.prefix,
      nonce: n,
      credentials: credentialFields(face, creds, operator),
      demo: creds !== undefined,
      operator,
      params: examples.params,
      body: examples.body,
    });
    return securePage(reply, n).send(html);
  });

  app.get('/docs/:face/openapi.json', async (req: FastifyRequest, reply: FastifyReply) => {
    const face = find((req.params as { face: string }).face);
    if (!face)
      return reply
        .code(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: 'no such API' }));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .send(JSON.stringify(documentFor(face, ctx.baseUrl(req), ctx.facePortUrl(face.name)), null, 2));
  });
}
