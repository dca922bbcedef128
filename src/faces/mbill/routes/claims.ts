// Claims (the recipient of a transfer to an external credential; no merchant token): POST /claims, then
// GET /claims/{id} and POST /claims/{id}/auth with the claim's token.
import type { FastifyInstance } from 'fastify';
import type { Subject } from '../../kit/request-context.js';
import { command, query } from '../../kit/command.js';
import { Fields } from '../../kit/fields.js';
import type { FaceContext } from '../../face.js';
import { authClaim } from '../auth.js';
import { answerOf, idempotencyOf, jsonBody, mbillReporter, ownProblem, sendAnswer, valid, wrongCode } from '../http.js';
import { readClaim, readCode } from '../requests.js';
import type { MbillService } from '../service.js';
import { CLAIM_SUBJECT, mbillStore as S, type Claim } from '../store.js';
import { claimView } from '../views.js';

const claimSubjects = (c: Pick<Claim, 'id'>): Subject[] => [[CLAIM_SUBJECT, c.id]];

export function registerClaimRoutes(app: FastifyInstance, ctx: FaceContext, svc: MbillService): void {
  const { engine } = ctx;

  app.post('/claims', async (req, reply) => {
    const body = jsonBody(req);
    const f = new Fields(body, mbillReporter());
    const input = readClaim(f);
    // the transfer claimed (its merchant is the claim's): one waiting for a claim, or `claim_id` "not found"
    const id = input ? input.id : body.id;
    const named = (typeof id === 'string' && id.trim()) || typeof id === 'number' ? String(id).trim() : undefined;
    const transfer = named !== undefined ? await engine.read((tx) => S.getTransferByClaimRef(tx, named)) : undefined;
    if (named !== undefined && transfer?.status !== 'waiting_for_claim') f.problem(ownProblem(['id'], 'claim_id'));
    const claim = valid(f, input);
    const answer = await command(engine, req, {
      merchantId: transfer!.merchantId,
      work: (tx) => svc.claims.create(tx, claim),
      subjects: (c) => claimSubjects(c),
      render: async (c, tx) => answerOf(req, ctx.baseUrl(req), { status: 201, data: await claimView(tx, c), created: true }),
      idempotent: idempotencyOf(req, 'public:claims'),
    });
    return sendAnswer(req, reply, answer);
  });

  app.get('/claims/:id', async (req, reply) => {
    const c = await authClaim(engine, req, (req.params as { id: string }).id);
    const answer = await query(engine, req, {
      merchantId: c.merchantId,
      read: async (tx) => claimView(tx, (await S.getClaim(tx, c.id)) ?? c),
      subjects: () => claimSubjects(c),
      render: (view) => answerOf(req, ctx.baseUrl(req), { status: 200, data: view }),
    });
    return sendAnswer(req, reply, answer);
  });

  app.post('/claims/:id/auth', async (req, reply) => {
    const body = jsonBody(req);
    const c = await authClaim(engine, req, (req.params as { id: string }).id);
    const f = new Fields(body, mbillReporter());
    const code = valid(f, readCode(f));
    const b = svc.bases(req);
    const answer = await command(engine, req, {
      merchantId: c.merchantId,
      work: (tx) => svc.claims.authenticate(tx, c.id, code, b),
      subjects: () => claimSubjects(c),
      render: async (r, tx) => {
        if (r.kind === 'conflict') return answerOf(req, b.root, { status: 409, error: { type: 'request_conflict', message: r.message } });
        if (r.kind === 'wrong_code') return answerOf(req, b.root, wrongCode());
        return answerOf(req, b.root, { status: 201, data: await claimView(tx, r.claim) });
      },
      idempotent: idempotencyOf(req, `claim:${c.id}:auth`),
    });
    return sendAnswer(req, reply, answer);
  });
}
