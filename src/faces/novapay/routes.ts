// NovaPay "qecom" API v1 routes (every one a signed JSON POST under /v1), the gateway's public key, and
// the payer pages. Errors are NovaPay's: `{type:"validation", errors}` / `{type:"processing", error, code}`
// for legacy (SHA-1) clients, with `uuid` and the current field names for SHA-256 clients.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonObject } from '../../core/model.js';
import { formatMajor, toWireNumber } from '../../core/money.js';
import type { FaceContext } from '../face.js';
import { deliveryPrice, novaposhtaApiKey, passThrough, PriceError, referenceAnswer, cityName, warehouseName } from './delivery.js';
import { authenticate, sendError, sendJson, sendSigned, toNovapayError, type Authed } from './http.js';
import { gatewayKey } from './keys.js';
import { registerNovapayPages } from './pages.js';
import { barsFor, renderPdf } from './pdf.js';
import { Sessions, type NewSession } from './sessions.js';
import { LEGACY_SIGN_HEADER, signBody, V2_SIGN_HEADER } from './signing.js';
import { novapayStore as S, type NovapaySession, type SessionDelivery, type SessionKind } from './store.js';
import { Checker, isObject, type Obj } from './validate.js';
import { CURRENCY, processing, statusBody, validation } from './wire.js';

type Path = Array<string | number>;

// ------------------------------------------------------------------------------ body validation

function sessionInput(c: Checker, b: Obj, merchantId: string, kind: SessionKind, phoneRequired: boolean): Omit<NewSession, 'status'> {
  c.merchantId(b, [], true);
  const successRedirectTimeout = c.count(b, 'success_redirect_timeout', [], { min: 0 });
  return {
    merchantId,
    kind,
    clientFirstName: c.str(b, 'client_first_name', []) ?? null,
    clientLastName: c.str(b, 'client_last_name', []) ?? null,
    clientPatronymic: c.str(b, 'client_patronymic', []) ?? null,
    clientPhone: c.str(b, 'client_phone', [], { required: phoneRequired, format: 'phone' }) ?? null,
    clientEmail: c.str(b, 'client_email', [], { format: 'email' }) ?? null,
    callbackUrl: c.str(b, 'callback_url', [], { format: 'uri', max: 2048 }) ?? null,
    successUrl: c.str(b, 'success_url', [], { format: 'uri', max: 2048 }) ?? null,
    failUrl: c.str(b, 'fail_url', [], { format: 'uri', max: 2048 }) ?? null,
    successRedirectTimeout: successRedirectTimeout ?? null,
    metadata: (c.object(b, 'metadata', [], { nullable: true }) as JsonObject | null | undefined) ?? null,
  };
}

interface PaymentInput {
  amount: bigint;
  externalId: string | null;
  products: unknown[] | null;
  useHold: boolean;
  delivery: SessionDelivery | null;
}

function deliveryInput(c: Checker, d: Obj, base: Path, minWeight: string, recipientsRequired: boolean): SessionDelivery | null {
  const volume = c.decimal(d, 'volume_weight', base, { required: true, min: '0.0004' });
  const weight = c.decimal(d, 'weight', base, { required: true, min: minWeight });
  const city = c.str(d, 'recipient_city', base, { required: recipientsRequired, nullable: !recipientsRequired, max: 36 });
  const warehouse = c.str(d, 'recipient_warehouse', base, { required: recipientsRequired, nullable: !recipientsRequired, max: 36 });
  if (volume === undefined || weight === undefined) return null;
  return { volume_weight: volume, weight, recipient_city: city ?? '', recipient_warehouse: warehouse ?? '' };
}

function paymentInput(
  c: Checker,
  b: Obj,
  opts: { minWeight: string; recipientsRequired: boolean; fallbackDelivery?: JsonObject | null },
): PaymentInput | undefined {
  const amount = c.amount(b, 'amount', [], { required: true });
  const externalId = c.str(b, 'external_id', []) ?? null;
  c.str(b, 'identifier', []);
  const products = c.array(b, 'products', [], { max: 500 });
  if (products) {
    products.forEach((item, i) => {
      if (!isObject(item)) {
        c.wrongType(['products', i], ['object'], item);
        return;
      }
      c.str(item, 'description', ['products', i], { max: 1000 });
      c.count(item, 'count', ['products', i], { min: 1 });
      if (item.price !== undefined && item.price !== null) c.amount(item, 'price', ['products', i]);
    });
  }
  const useHold = c.bool(b, 'use_hold', []) ?? false;
  let delivery: SessionDelivery | null = null;
  const d = c.object(b, 'delivery', [], { nullable: true });
  if (d) delivery = deliveryInput(c, d, ['delivery'], opts.minWeight, opts.recipientsRequired);
  else if (d === undefined && opts.fallbackDelivery && isObject(opts.fallbackDelivery) && opts.fallbackDelivery.weight !== undefined) {
    delivery = deliveryInput(c, opts.fallbackDelivery as Obj, ['delivery'], opts.minWeight, opts.recipientsRequired);
  }
  if (!c.ok || amount === undefined) return undefined;
  return { amount, externalId, products: products ?? null, useHold, delivery };
}

function sessionIdOf(c: Checker, b: Obj): string | undefined {
  c.merchantId(b, [], false);
  return c.str(b, 'session_id', [], { required: true, min: 1 }) ?? undefined;
}

function finish(c: Checker): void {
  if (!c.ok) throw validation(c.issues);
}

// ------------------------------------------------------------------------------------ routes

export function registerNovapayRoutes(app: FastifyInstance, ctx: FaceContext): void {
  const { engine } = ctx;
  const sessions = new Sessions(ctx);

  app.setErrorHandler(async (err, req, reply) => {
    const e = toNovapayError(err);
    if (e.kind === 'fatal') req.log.error({ err }, 'novapay request failed');
    return sendError(reply, ctx, e, req.novapayStyle ?? 'legacy');
  });
  app.setNotFoundHandler(async (req, reply) => sendError(reply, ctx, processing('NOT_FOUND'), req.novapayStyle ?? 'legacy'));

  const base = (req: FastifyRequest) => `${ctx.baseUrl(req)}${ctx.prefix}`;
  const payUrl = (req: FastifyRequest, s: { id: string; kind: SessionKind }) =>
    `${base(req)}${s.kind === 'checkout' ? '/checkout/pay' : s.kind === 'frames' ? '/frames/pay' : '/pay'}?sid=${encodeURIComponent(s.id)}`;

  /** A signed API route: authenticate, run, answer with exact JSON bytes (or the literal `null`). */
  const api = (path: string, handler: (a: Authed, req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    app.post(path, async (req, reply) => {
      const a = await authenticate(req, ctx);
      const out = await handler(a, req, reply);
      if (reply.sent) return reply;
      return sendJson(reply, ctx, out === undefined ? null : out);
    });
  };

  /** The delivery price of a package for a merchant (outside any transaction: it may call Nova Poshta). */
  const priceFor = async (merchantId: string, amount: bigint, d: SessionDelivery): Promise<bigint | null> => {
    if (!d.recipient_city || !d.recipient_warehouse) return null;
    const sender = await engine.read((tx) => sessions.senderCity(tx, merchantId));
    try {
      return await deliveryPrice(sender, d.recipient_city, d.recipient_warehouse, amount, d.weight, d.volume_weight);
    } catch (e) {
      if (e instanceof PriceError) throw processing('DELIVERY_PRICE_FAILED');
      throw e;
    }
  };

  // ---- sessions
  api('/v1/session', async (a) => {
    const c = new Checker();
    const input = sessionInput(c, a.body, a.merchant.id, 'acquiring', true);
    finish(c);
    const s = await engine.transaction((tx) => sessions.create(tx, { ...input, status: 'created' }));
    return { id: s.id, metadata: s.metadata };
  });

  api('/v1/checkout/session', async (a) => {
    const c = new Checker();
    const input = sessionInput(c, a.body, a.merchant.id, 'checkout', false);
    c.bool(a.body, 'create_express_waybill', []);
    const delivery = c.object(a.body, 'delivery', [], { nullable: true });
    finish(c);
    const s = await engine.transaction((tx) =>
      sessions.create(tx, { ...input, status: 'precreated', checkoutDelivery: (delivery as JsonObject | null | undefined) ?? null }),
    );
    return { id: s.id, session_id: s.id, metadata: s.metadata };
  });

  api('/v1/expire', async (a) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    finish(c);
    await engine.transaction(async (tx) => sessions.expire(tx, await sessions.lockOwned(tx, a.merchant.id, id!)));
    return null;
  });

  // ---- payments
  const addPayment = (kind: 'acquiring' | 'checkout') => async (a: Authed, req: FastifyRequest) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    const pre = id ? await engine.read((tx) => S.getSession(tx, id)) : undefined;
    const input = paymentInput(c, a.body, { minWeight: '0.1', recipientsRequired: true, fallbackDelivery: pre?.checkoutDelivery ?? null });
    finish(c);
    if (!pre || pre.merchantId !== a.merchant.id) throw processing('SESSION_NOT_FOUND');
    if ((kind === 'checkout') !== (pre.kind === 'checkout')) throw processing('SESSION_NOT_FOUND');
    const deliveryAmount = input!.delivery ? await priceFor(a.merchant.id, input!.amount, input!.delivery) : null;
    const { s, p } = await engine.transaction(async (tx) => {
      const s = await sessions.lockOwned(tx, a.merchant.id, id!);
      const p = await sessions.addPayment(tx, s, { ...input!, deliveryAmount });
      return { s, p };
    });
    if (kind === 'checkout') return { url: payUrl(req, s), session_id: s.id };
    return { url: payUrl(req, s), id: String(p.id), session_id: s.id };
  };
  api('/v1/payment', addPayment('acquiring'));
  api('/v1/checkout/payment', addPayment('checkout'));

  api('/v1/frames/init', async (a, req) => {
    const c = new Checker();
    const sInput = sessionInput(c, a.body, a.merchant.id, 'frames', false);
    const pInput = paymentInput(c, a.body, { minWeight: '0.01', recipientsRequired: false });
    finish(c);
    const deliveryAmount = pInput!.delivery ? await priceFor(a.merchant.id, pInput!.amount, pInput!.delivery) : null;
    const s = await engine.transaction(async (tx) => {
      const s = await sessions.create(tx, { ...sInput, status: 'created' });
      await sessions.addPayment(tx, s, { ...pInput!, deliveryAmount });
      return s;
    });
    return { session_id: s.id, url: payUrl(req, s) };
  });

  api('/v1/void', async (a) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    finish(c);
    await engine.transaction(async (tx) => sessions.requestVoid(tx, await sessions.lockOwned(tx, a.merchant.id, id!)));
    return null;
  });

  api('/v1/complete-hold', async (a) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    let amount = c.amount(a.body, 'amount', []) ?? null;
    const ops = c.array(a.body, 'operations', [], { max: 100 });
    if (ops) {
      ops.forEach((op, i) => {
        if (!isObject(op)) return c.wrongType(['operations', i], ['object'], op);
        c.str(op, 'id', ['operations', i], { required: true });
        c.str(op, 'recipient_identifier', ['operations', i]);
        const v = c.amount(op, 'amount', ['operations', i]);
        if (v !== undefined && amount === null) amount = v;
      });
    }
    finish(c);
    await engine.transaction(async (tx) => {
      const s = await sessions.lockOwned(tx, a.merchant.id, id!);
      if (ops?.length && s.paymentId !== null && !ops.some((op) => isObject(op) && String(op.id) === String(s.paymentId)))
        throw processing('SESSION_NOT_FOUND');
      await sessions.requestComplete(tx, s, amount);
    });
    return null;
  });

  api('/v1/confirm-delivery-hold', async (a) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    finish(c);
    const s = await engine.transaction(async (tx) => sessions.confirmDelivery(tx, await sessions.lockOwned(tx, a.merchant.id, id!)));
    return { id: s.id, metadata: s.metadata, express_waybill: s.expressWaybill, ref_id: s.waybillRef };
  });

  api('/v1/get-status', async (a) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    finish(c);
    return engine.read(async (tx) => {
      const s = await S.getSession(tx, id!);
      if (!s || s.merchantId !== a.merchant.id) throw processing('SESSION_NOT_FOUND');
      return statusBody(s, await sessions.payment(tx, s));
    });
  });

  // ---- delivery
  api('/v1/delivery-info', async (a, _req, reply) => {
    const c = new Checker();
    c.merchantId(a.body, [], false);
    const modelName = c.str(a.body, 'modelName', [], { required: true, min: 1, max: 100 });
    const calledMethod = c.str(a.body, 'calledMethod', [], { required: true, min: 1, max: 100 });
    const props = c.object(a.body, 'methodProperties', [], { nullable: true }) ?? {};
    finish(c);
    const key = novaposhtaApiKey();
    if (key) {
      await sendSigned(reply, ctx, 200, await passThrough(key, modelName!, calledMethod!, props));
      return;
    }
    return referenceAnswer(modelName!, calledMethod!, props);
  });

  api('/v1/delivery-price', async (a) => {
    const c = new Checker();
    c.merchantId(a.body, [], false);
    const amount = c.amount(a.body, 'amount', [], { required: true });
    const d = deliveryInput(c, a.body, [], '0.1', true);
    finish(c);
    const price = await priceFor(a.merchant.id, amount!, d!);
    return { delivery_price: toWireNumber(price ?? 0n, CURRENCY) };
  });

  api('/v1/print-express-waybill', async (a, _req, reply) => {
    const c = new Checker();
    const id = sessionIdOf(c, a.body);
    finish(c);
    const found = await engine.read(async (tx) => {
      const s = await S.getSession(tx, id!);
      if (!s || s.merchantId !== a.merchant.id) throw processing('SESSION_NOT_FOUND');
      return { s, sender: cityName(await sessions.senderCity(tx, s.merchantId)) };
    });
    if (!found.s.expressWaybill) throw processing('WAYBILL_NOT_FOUND');
    const pdf = waybillPdf(found.s, a.merchant.name, found.sender, engine.clock.now());
    const key = await gatewayKey(engine);
    await reply
      .code(200)
      .header('content-type', 'application/pdf')
      // a bare token, as the PHP SDK reads the option value without unquoting it
      .header('content-disposition', `attachment; filename=${found.s.expressWaybill}.pdf`)
      .header('content-length', String(pdf.length))
      .header(LEGACY_SIGN_HEADER, signBody(pdf, key.privateKey, 'sha1'))
      .header(V2_SIGN_HEADER, signBody(pdf, key.privateKey, 'sha256'))
      .send(pdf);
  });

  // ---- the gateway's public key (for checking X-Sign / x-sign-v2 on responses and postbacks)
  app.get('/v1/public-key', async (_req, reply) => {
    const key = await gatewayKey(engine);
    return reply
      .code(200)
      .header('content-type', 'application/x-pem-file')
      .header('content-disposition', 'inline; filename="novapay-public.pem"')
      .send(key.publicPem);
  });

  registerNovapayPages(app, ctx, sessions);
}

function waybillPdf(s: NovapaySession, merchant: string, senderCity: string, now: number) {
  const d = s.delivery!;
  const total = (s.amount ?? 0n) + (s.deliveryAmount ?? 0n);
  const lines = [
    { text: 'NOVA POSHTA - EXPRESS WAYBILL', x: 50, y: 780, size: 18, bold: true },
    { text: `No. ${s.expressWaybill}`, x: 50, y: 752, size: 14, bold: true },
    { text: `Created: ${new Date(now).toISOString().slice(0, 10)}   Ref: ${s.waybillRef}`, x: 50, y: 734, size: 9 },
    { text: 'Sender', x: 50, y: 690, size: 12, bold: true },
    { text: merchant, x: 50, y: 672 },
    { text: `City: ${senderCity}`, x: 50, y: 656 },
    { text: 'Recipient', x: 300, y: 690, size: 12, bold: true },
    { text: [s.clientLastName, s.clientFirstName, s.clientPatronymic].filter(Boolean).join(' ') || '-', x: 300, y: 672 },
    { text: `Phone: ${s.clientPhone ?? '-'}`, x: 300, y: 656 },
    { text: `City: ${cityName(d.recipient_city) || '-'}`, x: 300, y: 640 },
    { text: `Warehouse: ${warehouseName(d.recipient_warehouse) ?? '-'}`, x: 300, y: 624, size: 9 },
    { text: 'Parcel', x: 50, y: 590, size: 12, bold: true },
    { text: `Weight: ${d.weight} kg   Volume: ${d.volume_weight} m3   Seats: 1`, x: 50, y: 572 },
    {
      text: `Declared value: ${formatMajor(s.amount ?? 0n, CURRENCY)} UAH   Delivery: ${formatMajor(s.deliveryAmount ?? 0n, CURRENCY)} UAH`,
      x: 50,
      y: 556,
    },
    { text: `Secure payment (NovaPay) session ${s.id}: ${formatMajor(total, CURRENCY)} UAH held`, x: 50, y: 540, size: 9 },
    { text: 'Sandbox document generated by Polypay - not valid for shipping.', x: 50, y: 60, size: 8 },
  ];
  return renderPdf({
    title: `Express waybill ${s.expressWaybill}`,
    lines,
    rules: [
      { x1: 50, y1: 715, x2: 545, y2: 715 },
      { x1: 50, y1: 610, x2: 545, y2: 610 },
      { x1: 50, y1: 520, x2: 545, y2: 520 },
    ],
    bars: barsFor(s.expressWaybill ?? '', 50, 440, 50),
  });
}
