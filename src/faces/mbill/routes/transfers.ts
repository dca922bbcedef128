// Transfers: POST /transfers (the merchant's API token), GET /transfers (our addition: newest first, with cursors),
// GET /transfers/{id} (the transfer's token, or its merchant's API token) and POST /transfers/{id}/auth (a lookup code).
import type { FastifyInstance } from 'fastify';
import type { Subject } from '../../kit/request-context.js';
import { command, query } from '../../kit/command.js';
import { Fields } from '../../kit/fields.js';
import type { FaceContext } from '../../face.js';
import { authMerchant, authTransfer } from '../auth.js';
import { answerOf, formatOf, idempotencyOf, jsonBody, mbillReporter, sendAnswer, valid, wrongCode } from '../http.js';
import { CURSOR_RE, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../limits.js';
import { namedCardTokens, readCode, readTransfer } from '../requests.js';
import type { MbillService } from '../service.js';
import { mbillStore as S, TRANSFER_SUBJECT, type Transfer } from '../store.js';
import { transferView } from '../views.js';

/** The objects a transfer request touched: the transfer and its sender's payment (they share the id). */
const transferSubjects = (t: Pick<Transfer, 'id'>): Subject[] => [
  [TRANSFER_SUBJECT, t.id],
  ['payment', t.id],
];

interface ListQuery {
  limit: number;
  startingAfter?: number;
  endingBefore?: number;
}

/** `limit` (1..100, default 50) and the cursors of GET /transfers, from the query string. */
function readListQuery(f: Fields): ListQuery {
  const one = (k: string): string | undefined => {
    const v = f.raw(k);
    return Array.isArray(v) ? (v[0] as string | undefined) : (v as string | undefined);
  };
  const out: ListQuery = { limit: LIST_LIMIT_DEFAULT };
  const l = one('limit');
  if (l !== undefined) {
    const n = /^\d{1,6}$/.test(l) ? Number(l) : NaN;
    const bounds = { min: '1', max: String(LIST_LIMIT_MAX) };
    if (Number.isNaN(n)) f.problem({ rule: 'type', path: ['limit'], key: 'limit', expected: ['integer'], got: 'string', value: l });
    else if (n < 1) f.problem({ rule: 'range', path: ['limit'], key: 'limit', ...bounds, failed: 'min', value: l });
    else if (n > LIST_LIMIT_MAX) f.problem({ rule: 'range', path: ['limit'], key: 'limit', ...bounds, failed: 'max', value: l });
    else out.limit = n;
  }
  for (const [k, field] of [
    ['starting_after', 'startingAfter'],
    ['ending_before', 'endingBefore'],
  ] as const) {
    const v = one(k);
    if (v === undefined || v === '') continue;
    if (/^\d{1,15}$/.test(v)) out[field] = Number(v);
    else f.problem({ rule: 'format', path: [k], key: k, format: formatOf(CURSOR_RE), value: v });
  }
  return out;
}

export function registerTransferRoutes(app: FastifyInstance, ctx: FaceContext, svc: MbillService): void {
  const { engine } = ctx;

  app.post('/transfers', async (req, reply) => {
    const body = jsonBody(req);
    const { merchant } = await authMerchant(engine, req);
    const f = new Fields(body, mbillReporter());
    const input = readTransfer(f);
    if (!input) {
      // named card tokens are checked too, so that one answer lists every problem (nothing is used)
      await engine.read(async (tx) => {
        for (const { token, path } of namedCardTokens(body)) await svc.cardTokens.peek(tx, token, path, f.reporter);
      });
    }
    const transfer = valid(f, input);
    const b = svc.bases(req);
    const answer = await command(engine, req, {
      merchantId: merchant.id,
      work: (tx) => svc.transfers.create(tx, merchant, transfer, b),
      subjects: (t) => transferSubjects(t),
      render: async (t, tx) => answerOf(req, b.root, { status: 201, data: await transferView(engine, tx, t, b), created: true }),
      idempotent: idempotencyOf(req, `${merchant.id}:transfers`),
    });
    return sendAnswer(req, reply, answer);
  });

  app.get('/transfers', async (req, reply) => {
    const { merchant } = await authMerchant(engine, req);
    const f = new Fields(req.query as Record<string, unknown>, mbillReporter('query_parameter'));
    const q = readListQuery(f);
    f.done();
    const b = svc.bases(req);
    const answer = await query(engine, req, {
      merchantId: merchant.id,
      read: async (tx) => {
        const page = await S.listTransfers(tx, merchant.id, q);
        const data = [];
        for (const t of page.items) data.push(await transferView(engine, tx, t, b));
        return { data, hasMore: page.hasMore, size: await S.countTransfers(tx, merchant.id) };
      },
      render: ({ data, hasMore, size }) =>
        answerOf(req, b.root, {
          status: 200,
          data,
          paging: {
            limit: q.limit,
            cursors: { starting_after: data[data.length - 1]?.id ?? null, ending_before: data[0]?.id ?? null },
            has_more: hasMore,
            size,
          },
        }),
    });
    return sendAnswer(req, reply, answer);
  });

  app.get('/transfers/:id', async (req, reply) => {
    const t = await authTransfer(engine, req, (req.params as { id: string }).id, { allowApiToken: true });
    const b = svc.bases(req);
    const answer = await query(engine, req, {
      merchantId: t.merchantId,
      read: async (tx) => transferView(engine, tx, (await S.getTransfer(tx, t.id)) ?? t, b),
      subjects: () => transferSubjects(t),
      render: (view) => answerOf(req, b.root, { status: 200, data: view }),
    });
    return sendAnswer(req, reply, answer);
  });

  app.post('/transfers/:id/auth', async (req, reply) => {
    const body = jsonBody(req);
    const t = await authTransfer(engine, req, (req.params as { id: string }).id, { allowApiToken: false });
    const f = new Fields(body, mbillReporter());
    const code = valid(f, readCode(f));
    const b = svc.bases(req);
    const answer = await command(engine, req, {
      merchantId: t.merchantId,
      work: (tx) => svc.transfers.authenticateLookup(tx, t.id, code, b),
      subjects: () => transferSubjects(t),
      render: async (r, tx) => {
        if (r.kind === 'conflict') return answerOf(req, b.root, { status: 409, error: { type: 'request_conflict', message: r.message } });
        if (r.kind === 'wrong_code') return answerOf(req, b.root, wrongCode());
        return answerOf(req, b.root, { status: 201, data: await transferView(engine, tx, r.transfer, b) });
      },
      idempotent: idempotencyOf(req, `transfer:${t.id}:auth`),
    });
    return sendAnswer(req, reply, answer);
  });
}
