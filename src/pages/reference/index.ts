// The API reference: GET /docs (the faces this gateway serves and the admin API), GET /docs/<face> (a page
// rendered from the face's OpenAPI document, where each operation can be signed and sent from the browser)
// and GET /docs/<face>/openapi.json. No authentication: like the faces themselves, the reference is public; the
// demo merchant's secrets are filled in only for an operator signed in to the dashboard (its session cookie).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../../server/gateway.js';
import { nonce, securePage } from '../../faces/kit/html.js';
import { credentialFields, demoCredentials, exampleValues } from './credentials.js';
import { FACE_DOCUMENTS, type FaceDocument } from './documents.js';
import { operations, type OpenApiDocument } from '../../faces/kit/openapi.js';
import { renderFacePage, renderIndex } from './render.js';
import { sessionOf } from '../dashboard/session.js';

export { FACE_DOCUMENTS } from './documents.js';

/** The document of a face as this gateway serves it: its server URL, and the face's own port when it has one. */
export function documentFor(gw: Gateway, d: FaceDocument, baseUrl: string): OpenApiDocument {
  const doc = d.build(baseUrl);
  const face = gw.faces.find((f) => f.name === d.face);
  // the face as this gateway mounts it (a face object may carry another prefix than the default one)
  if (face && doc.servers[0]) doc.servers[0] = { ...doc.servers[0], url: `${baseUrl}${face.prefix}` };
  const own = gw.facePortUrls[d.face];
  if (own) doc.servers.push({ url: own, description: "This gateway, the face's own port" });
  return doc;
}

export async function registerReference(app: FastifyInstance, gw: Gateway): Promise<void> {
  const served = () => FACE_DOCUMENTS.filter((d) => gw.faces.some((f) => f.name === d.face));
  const find = (name: string) => served().find((d) => d.face === name);
  const notFound = (reply: FastifyReply) => {
    const n = nonce();
    return securePage(reply.code(404), n).send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><p>No such API. <a href="/docs">All APIs</a></p></body></html>`,
    );
  };

  app.get('/docs', async (req: FastifyRequest, reply: FastifyReply) => {
    const base = gw.baseUrl(req);
    const demo = await demoCredentials(gw);
    const entries = served().map((d) => {
      const doc = documentFor(gw, d, base);
      return {
        face: d.face,
        title: doc.info.title,
        summary: d.summary,
        operations: operations(doc).length,
        webhooks: Object.keys(doc['x-webhooks'] ?? {}).length,
        baseUrl: doc.servers[0]?.url ?? '',
      };
    });
    const n = nonce();
    const operator = (await sessionOf(req, gw)) !== undefined;
    return securePage(reply, n).send(renderIndex(entries, { nonce: n, demo: demo !== undefined, operator }));
  });
  app.get('/docs/', async (_req, reply) => reply.redirect('/docs', 301));

  app.get('/docs/:face', async (req: FastifyRequest, reply: FastifyReply) => {
    const d = find((req.params as { face: string }).face);
    if (!d) return notFound(reply);
    const face = gw.faces.find((f) => f.name === d.face)!;
    const demo = await demoCredentials(gw);
    const creds = demo?.[d.face];
    const examples = await exampleValues(gw, d.face, creds);
    const operator = (await sessionOf(req, gw)) !== undefined;
    const n = nonce();
    const html = renderFacePage({
      doc: documentFor(gw, d, gw.baseUrl(req)),
      face: d.face,
      prefix: face.prefix,
      nonce: n,
      credentials: credentialFields(d.face, creds, operator),
      demo: creds !== undefined,
      operator,
      params: examples.params,
      body: examples.body,
    });
    return securePage(reply, n).send(html);
  });

  app.get('/docs/:face/openapi.json', async (req: FastifyRequest, reply: FastifyReply) => {
    const d = find((req.params as { face: string }).face);
    if (!d)
      return reply
        .code(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: 'no such API' }));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cache-control', 'no-cache')
      .send(JSON.stringify(documentFor(gw, d, gw.baseUrl(req)), null, 2));
  });
}
