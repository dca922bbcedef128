// The admin API (REST, JSON, its own bearer token): merchants and credentials, payments and payouts,
// timelines, ledger balances, webhook deliveries and replay, triggers, OTP codes, the sandbox clock,
// fault injection, reset, and seed export/import. Documented by /admin/openapi.json.
import type { FastifyInstance } from 'fastify';
import { randomToken } from '../../core/ids.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import { safeEqual } from '../../core/crypto.js';
import { balanceOf } from '../../core/ledger.js';
import { parseMinor } from '../../core/money.js';
import type { Payment, PaymentStatus, Payout } from '../../core/model.js';
import { serializePayment } from '../../core/payments.js';
import { presentedAdminToken } from '../admin-auth.js';
import type { OperatorContext } from '../context.js';
import type { FaultRule } from '../faults.js';
import { paymentView, payoutView, search, timeline } from '../objects.js';
import { applySeed, createMerchantFromSeed, exportSeed, type Seed, type SeedMerchant } from '../seed.js';
import { collectStats } from '../stats.js';
import { adminOpenApi } from './openapi.js';
import { AdminError, intQuery, jsonOf, numberQuery, oneOf, send, single, timeQuery } from './query.js';

const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

const STATUSES: PaymentStatus[] = [
  'created',
  'requires_authentication',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'declined',
  'expired',
  'failed',
];

export async function registerAdminApi(app: FastifyInstance, op: OperatorContext): Promise<void> {
  const { engine, adminToken: token } = op;

  await app.register(
    async (api) => {
      api.setErrorHandler((err, req, reply) => {
        if (err instanceof AdminError) return send(reply, { error: err.message }, err.status);
        if (isCoreError(err))
          return send(
            reply,
            { error: err.message, code: err.code },
            err.code.endsWith('NOT_FOUND') ? 404 : err.code === 'INVALID_STATE' ? 409 : 400,
          );
        const fe = err as { statusCode?: number; message?: string };
        if (fe.statusCode && fe.statusCode < 500) return send(reply, { error: fe.message ?? 'bad request' }, fe.statusCode);
        req.log.error({ err }, 'admin API failed');
        return send(reply, { error: 'internal error' }, 500);
      });
      api.setNotFoundHandler((_req, reply) => send(reply, { error: 'not found' }, 404));
      api.addHook('onRequest', async (req) => {
        const given = presentedAdminToken(req);
        if (!given || !safeEqual(given, token)) throw new AdminError(401, 'admin token required (Authorization: Bearer <token>)');
      });

      // ---- merchants and credentials
      api.get('/merchants', async (_req, reply) => send(reply, await op.merchants.list()));
      api.get('/merchants/:id', async (req, reply) => {
        const id = (req.params as { id: string }).id;
        if (!(await engine.read((tx) => tx.merchants.get(id)))) throw new AdminError(404, 'merchant not found');
        const info = await op.merchants.describe(id);
        const balances = (await engine.read((tx) => tx.ledger.listAccounts(id))).map(balanceOf);
        return send(reply, { ...info, balances });
      });
      api.post('/merchants', async (req, reply) => {
        const body = jsonOf(req) as unknown as SeedMerchant;
        if (typeof body.name !== 'string' || !body.name.trim()) throw new AdminError(400, 'name is required');
        if (body.id !== undefined && (typeof body.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body.id)))
          throw new AdminError(400, 'id must be 1-64 letters, digits, _ or -');
        if (body.id && (await engine.read((tx) => tx.merchants.get(body.id!)))) throw new AdminError(409, 'merchant already exists');
        const id = await createMerchantFromSeed(op, { ...body, id: body.id ?? 'm_' + randomToken(12) }, 0);
        return send(reply, await op.merchants.describe(id), 201);
      });
      api.post('/merchants/:id/credentials/:credId/rotate', async (req, reply) => {
        const { id, credId } = req.params as { id: string; credId: string };
        const cred = await engine.transaction(async (tx) => {
          const c = (await tx.credentials.list(id)).find((x) => x.id === credId);
          if (!c) throw new AdminError(404, 'credential not found');
          if (c.secret === null) throw new AdminError(409, 'this credential has no shared secret to rotate');
          const secret = randomToken(40);
          await tx.credentials.update(c.id, { secret });
          return { ...c, secret };
        });
        return send(reply, cred);
      });

      // ---- payments and payouts
      const faceNames = op.faces.map((f) => f.name);
      api.get('/payments', async (req, reply) => {
        const raw = req.query as Record<string, unknown>;
        const q = Object.fromEntries(
          ['limit', 'offset', 'q', 'status', 'merchant', 'face', 'from', 'to'].map((k) => [k, single(raw, k)]),
        ) as Record<string, string | undefined>;
        const limit = intQuery(q.limit, 50, 500);
        const offset = intQuery(q.offset, 0, 10_000_000);
        if (q.q) {
          const found = await search(op, q.q);
          return send(reply, { items: found.filter((f) => f.kind === 'payment'), total: found.length });
        }
        const statuses = q.status ? (q.status.split(',') as PaymentStatus[]) : undefined;
        if (statuses?.some((s) => !STATUSES.includes(s))) throw new AdminError(400, `status must be among ${STATUSES.join(', ')}`);
        const face = oneOf('face', q.face, faceNames);
        const from = timeQuery('from', q.from);
        const to = timeQuery('to', q.to);
        const f = {
          ...(q.merchant ? { merchantId: q.merchant } : {}),
          ...(face ? { face: face as Payment['face'] } : {}),
          ...(statuses ? { statuses } : {}),
          ...(from !== undefined ? { createdFrom: from } : {}),
          ...(to !== undefined ? { createdTo: to } : {}),
        };
        const [items, total] = await engine.read(
          async (tx) => [await tx.payments.list({ ...f, limit, offset }), await tx.payments.count(f)] as const,
        );
        return send(reply, { items: items.map(paymentView), total, limit, offset });
      });
      api.get('/payments/:id', async (req, reply) => {
        const id = Number((req.params as { id: string }).id);
        const p = Number.isSafeInteger(id) ? await engine.read((tx) => tx.payments.get(id)) : undefined;
        if (!p) throw new AdminError(404, 'payment not found');
        const [refunds, refs] = await engine.read(
          async (tx) => [await tx.refunds.list(p.id), await tx.refs.findBySubject('payment', String(p.id))] as const,
        );
        return send(reply, { ...paymentView(p), refunds, refs });
      });
      api.get('/payouts', async (req, reply) => {
        const raw = req.query as Record<string, unknown>;
        const q = Object.fromEntries(['limit', 'offset', 'merchant', 'face'].map((k) => [k, single(raw, k)])) as Record<
          string,
          string | undefined
        >;
        const limit = intQuery(q.limit, 50, 500);
        const offset = intQuery(q.offset, 0, 10_000_000);
        const face = oneOf('face', q.face, faceNames);
        const items = await engine.read((tx) =>
          tx.payouts.list({
            ...(q.merchant ? { merchantId: q.merchant } : {}),
            ...(face ? { face: face as Payout['face'] } : {}),
            limit,
            offset,
          }),
        );
        return send(reply, { items: items.map(payoutView), limit, offset });
      });
      api.get('/payouts/:id', async (req, reply) => {
        const id = Number((req.params as { id: string }).id);
        const p = Number.isSafeInteger(id) ? await engine.read((tx) => tx.payouts.get(id)) : undefined;
        if (!p) throw new AdminError(404, 'payout not found');
        return send(reply, { ...payoutView(p), refs: await engine.read((tx) => tx.refs.findBySubject('payout', String(p.id))) });
      });
      api.get('/search', async (req, reply) => send(reply, await search(op, single(req.query as Record<string, unknown>, 'q') ?? '')));
      api.get('/objects/:type/:id/timeline', async (req, reply) => {
        const { type, id } = req.params as { type: string; id: string };
        return send(reply, await timeline(op, type, id));
      });

      // ---- ledger
      api.get('/ledger/balances', async (req, reply) => {
        const merchant = single(req.query as Record<string, unknown>, 'merchant');
        const accounts = await engine.read((tx) => tx.ledger.listAccounts(merchant));
        return send(
          reply,
          accounts.map((a) => ({ ...balanceOf(a), merchantId: a.merchantId })),
        );
      });
      api.get('/ledger/verify', async (_req, reply) => send(reply, { ok: true, ...(await engine.read((tx) => engine.ledger.verify(tx))) }));

      // ---- webhooks
      api.get('/webhooks/deliveries', async (req, reply) => {
        const raw = req.query as Record<string, unknown>;
        const q = Object.fromEntries(
          ['limit', 'offset', 'merchant', 'status', 'subjectType', 'subjectId'].map((k) => [k, single(raw, k)]),
        ) as Record<string, string | undefined>;
        const status = oneOf('status', q.status, DELIVERY_STATUSES);
        const limit = intQuery(q.limit, 50, 500);
        const offset = intQuery(q.offset, 0, 10_000_000);
        const items = await engine.read((tx) =>
          tx.deliveries.list({
            ...(q.merchant ? { merchantId: q.merchant } : {}),
            ...(status ? { status } : {}),
            ...(q.subjectType ? { subjectType: q.subjectType } : {}),
            ...(q.subjectId ? { subjectId: q.subjectId } : {}),
            limit,
            offset,
          }),
        );
        return send(reply, { items });
      });
      api.get('/webhooks/deliveries/:id', async (req, reply) => {
        const id = Number((req.params as { id: string }).id);
        const d = Number.isSafeInteger(id) ? await engine.read((tx) => tx.deliveries.get(id)) : undefined;
        if (!d) throw new AdminError(404, 'delivery not found');
        return send(reply, { ...d, attempts: await engine.read((tx) => tx.deliveries.listAttempts(d.id)) });
      });
      api.post('/webhooks/deliveries/:id/replay', async (req, reply) => {
        const id = Number((req.params as { id: string }).id);
        const a = Number.isSafeInteger(id) ? await engine.dispatcher.replay(id) : undefined;
        if (!a) throw new AdminError(404, 'delivery not found');
        return send(reply, a);
      });

      // ---- trigger event X for object Y
      api.post('/trigger', async (req, reply) => {
        const b = jsonOf(req);
        const type = String(b.type ?? 'payment');
        const id = Number(b.id);
        const action = String(b.action ?? '');
        if (!Number.isSafeInteger(id)) throw new AdminError(400, 'id must be a payment or payout id');
        const amount = b.amount === undefined || b.amount === null ? null : parseMinor(b.amount as string | number);
        const result = await engine.transaction(async (tx) => {
          if (type === 'payout') {
            if (action !== 'expire') throw new AdminError(400, 'payout actions: expire');
            return payoutView((await engine.payouts.expire(tx, id)) ?? (await engine.payouts.get(tx, id)));
          }
          if (type !== 'payment') throw new AdminError(400, 'type must be payment or payout');
          switch (action) {
            case 'capture':
              return paymentView(await engine.payments.capture(tx, id, amount));
            case 'void':
              return paymentView(await engine.payments.void(tx, id, { allowCaptured: true }));
            case 'refund':
              return paymentView((await engine.payments.refund(tx, id, amount)).payment);
            case 'expire': {
              const p = await engine.payments.lock(tx, id);
              if (p.status !== 'created' && p.status !== 'requires_authentication' && p.status !== 'authorized')
                throw new CoreError('INVALID_STATE', `payment is ${p.status}`);
              p.expiresAt = engine.clock.now();
              await tx.payments.update(p);
              return paymentView((await engine.payments.expire(tx, id))!);
            }
            case 'decline': {
              const p = await engine.payments.lock(tx, id);
              return paymentView(await engine.payments.decline(tx, p, (b.reason as never) ?? 'do_not_honor'));
            }
            case 'resend': {
              const p = await engine.payments.get(tx, id);
              const events = await tx.outbox.list('payment', String(id));
              const last = events[events.length - 1];
              if (!last) throw new AdminError(409, 'the payment has no event to send again');
              await engine.outbox.emit(tx, {
                merchantId: p.merchantId,
                face: p.face,
                type: last.type,
                subjectType: 'payment',
                subjectId: String(id),
                payload: { ...last.payload, payment: serializePayment(p), resent: true },
              });
              return paymentView(p);
            }
            default:
              throw new AdminError(400, 'payment actions: capture, void, refund, expire, decline, resend');
          }
        });
        return send(reply, result);
      });

      // ---- one-time codes sent
      api.get('/otp', async (req, reply) => {
        const raw = req.query as Record<string, unknown>;
        const limit = intQuery(single(raw, 'limit'), 50, 500);
        const list = await engine.read((tx) => tx.challenges.list(single(raw, 'merchant') ?? null, limit));
        return send(
          reply,
          list
            .filter((c) => c.kind === 'otp')
            .map((c) => ({
              id: c.id,
              merchantId: c.merchantId,
              subject: `${c.subjectType}:${c.subjectId}`,
              code: c.otpCode,
              status: c.status,
              attempts: c.attempts,
              createdAt: c.createdAt,
              expiresAt: c.expiresAt,
            })),
        );
      });

      // ---- clock
      api.get('/clock', async (_req, reply) => send(reply, clockView(op)));
      api.post('/clock/advance', async (req, reply) => {
        const b = jsonOf(req);
        const ms =
          Number(b.ms ?? 0) +
          Number(b.seconds ?? 0) * 1000 +
          Number(b.minutes ?? 0) * 60_000 +
          Number(b.hours ?? 0) * 3_600_000 +
          Number(b.days ?? 0) * 86_400_000;
        if (!Number.isFinite(ms) || ms < 0) throw new AdminError(400, 'give a non-negative ms, seconds, minutes, hours or days');
        engine.clock.advance(ms);
        await engine.clockSaved();
        return send(reply, clockView(op));
      });
      api.post('/clock/freeze', async (_req, reply) => {
        engine.clock.freeze();
        await engine.clockSaved();
        return send(reply, clockView(op));
      });
      api.post('/clock/unfreeze', async (_req, reply) => {
        engine.clock.unfreeze();
        await engine.clockSaved();
        return send(reply, clockView(op));
      });

      // ---- faults
      api.get('/faults', async (_req, reply) => send(reply, op.faults.list()));
      api.post('/faults', async (req, reply) => {
        const b = jsonOf(req) as Partial<FaultRule>;
        const rule: Omit<FaultRule, 'id'> = {};
        if (b.face !== undefined) rule.face = String(b.face);
        if (b.route !== undefined) rule.route = String(b.route);
        if (b.merchantId !== undefined) rule.merchantId = String(b.merchantId);
        if (b.probability !== undefined) rule.probability = Number(b.probability);
        if (b.status !== undefined) rule.status = Number(b.status);
        if (b.body !== undefined) rule.body = String(b.body);
        if (b.drop !== undefined) rule.drop = Boolean(b.drop);
        if (b.webhookFail !== undefined) rule.webhookFail = Boolean(b.webhookFail);
        if (b.remaining !== undefined) rule.remaining = Number(b.remaining);
        if (b.latency !== undefined) {
          const l = b.latency as FaultRule['latency'];
          if (!l || !['fixed', 'uniform', 'normal', 'exponential'].includes(l.distribution) || !(Number(l.ms) >= 0))
            throw new AdminError(400, 'latency needs a distribution (fixed, uniform, normal, exponential) and ms');
          rule.latency = {
            distribution: l.distribution,
            ms: Number(l.ms),
            ...(l.maxMs !== undefined ? { maxMs: Number(l.maxMs) } : {}),
            ...(l.stddevMs !== undefined ? { stddevMs: Number(l.stddevMs) } : {}),
          };
        }
        if (rule.status !== undefined && !(rule.status >= 100 && rule.status <= 599))
          throw new AdminError(400, 'status must be an HTTP status');
        if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
          throw new AdminError(400, 'probability must be between 0 and 1');
        if (!rule.latency && rule.status === undefined && !rule.drop && !rule.webhookFail)
          throw new AdminError(400, 'a fault needs latency, status, drop or webhookFail');
        return send(reply, await op.faults.add(rule), 201);
      });
      api.delete('/faults/:id', async (req, reply) => {
        if (!(await op.faults.remove((req.params as { id: string }).id))) throw new AdminError(404, 'fault not found');
        return send(reply, { deleted: true });
      });
      api.delete('/faults', async (_req, reply) => {
        await op.faults.clear();
        return send(reply, { deleted: true });
      });

      // ---- reset, export, import
      api.post('/reset', async (req, reply) => {
        const b = jsonOf(req);
        if (b.merchant !== undefined) {
          const id = String(b.merchant);
          if (!(await engine.read((tx) => tx.merchants.get(id)))) throw new AdminError(404, 'merchant not found');
          await op.merchants.reset(id);
          return send(reply, { reset: 'merchant', merchant: id });
        }
        await op.resetAll();
        return send(reply, { reset: 'all' });
      });
      api.get('/export', async (_req, reply) => send(reply, await exportSeed(op)));
      api.post('/import', async (req, reply) => {
        const b = jsonOf(req) as unknown as Seed;
        if (!Array.isArray(b.merchants)) throw new AdminError(400, 'a seed needs a "merchants" list');
        const ids = await applySeed(op, b);
        return send(reply, { imported: ids.length, merchants: ids });
      });

      // ---- the card vault: re-encrypt every card under the current (last configured) master key
      api.post('/vault/rotate', async (_req, reply) => {
        const count = await engine.vault.rotateToCurrent(engine.store);
        return send(reply, { reencrypted: count, keyId: engine.vault.currentKeyId });
      });

      // ---- stats for the dashboard's charts
      api.get('/stats', async (req, reply) => {
        const raw = req.query as Record<string, unknown>;
        const hours = numberQuery('hours', single(raw, 'hours'), 24, 24 * 90, false);
        const buckets = numberQuery('buckets', single(raw, 'buckets'), 24, 500, true);
        return send(reply, await collectStats(op, { hours, buckets, merchantId: single(raw, 'merchant') }));
      });

      // ---- face-specific operator endpoints
      for (const face of op.faces) {
        if (!face.admin) continue;
        await api.register(async (scope) => face.admin!(scope, op.faceContext(face)), { prefix: `/faces/${face.name}` });
      }
    },
    { prefix: '/admin/api' },
  );

  app.get('/admin/openapi.json', async (_req, reply) => send(reply, adminOpenApi(op.url())));
}

function clockView(op: OperatorContext) {
  const s = op.engine.clock.state();
  return { now: s.now, iso: new Date(s.now).toISOString(), offsetMs: s.offsetMs, frozen: s.frozen };
}
