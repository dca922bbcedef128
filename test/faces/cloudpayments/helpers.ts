// Shared pieces of the CloudPayments face tests: the seed, a gateway with the face, the npm `cloudpayments`
// client and our typed client, 3-D Secure hand-offs, and a notification receiver that hands the raw request
// to the npm package's NotificationHandlers.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { ClientService, type ClientApi, type NotificationHandlers } from 'cloudpayments';
import { ALL_FACES } from '../../../src/faces/registry.js';
import { createCloudpaymentsFace, type CloudPaymentsOptions } from '../../../src/faces/cloudpayments/face.js';
import { CloudPaymentsClient, type CardData } from '../../../src/faces/cloudpayments/client.js';
import type { Seed } from '../../../src/operator/seed.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import type { StoreKind } from '../../helpers/stores.js';
import { parseForm, passAcs, postForm } from '../../helpers/browser-lite.js';
import { bodyOf } from '../../helpers/http.js';

export const SHOP = { id: 'cp_shop', publicId: 'pk_2f3c4d5e6f708192a3b4c5d6e7f80', apiSecret: 'cp_api_secret_shop_1' };
export const OTHER = { id: 'cp_other', publicId: 'pk_9f8e7d6c5b4a39281706f5e4d3c2b', apiSecret: 'cp_api_secret_other_2' };
export const LISTS = { id: 'cp_lists', publicId: 'pk_aaaabbbbccccddddeeeeffff00001', apiSecret: 'cp_api_secret_lists_4' };
export const NOTIFY = { id: 'cp_notify', publicId: 'pk_11112222333344445555666677778', apiSecret: 'cp_api_secret_notify_3' };

export const FUTURE = { expMonth: 12, expYear: 2035 };
export const VISA_NO_3DS = '4000000000003055';
export const VISA_3DS = '4242424242424242';

export type NotificationRoutes = Partial<
  Record<
    'check' | 'pay' | 'fail' | 'confirm' | 'refund' | 'recurrent' | 'cancel',
    { address: string; httpMethod?: 'GET' | 'POST'; encoding?: 'UTF8' | 'Windows1251' }
  >
>;

export function cpSeed(notifications: NotificationRoutes = {}): Seed {
  return {
    merchants: [
      { id: SHOP.id, name: 'CP Shop', currencies: ['RUB', 'USD'], cloudpayments: { publicId: SHOP.publicId, apiSecret: SHOP.apiSecret } },
      { id: OTHER.id, name: 'CP Other Shop', cloudpayments: { publicId: OTHER.publicId, apiSecret: OTHER.apiSecret } },
      { id: LISTS.id, name: 'CP Lists Shop', cloudpayments: { publicId: LISTS.publicId, apiSecret: LISTS.apiSecret } },
      { id: NOTIFY.id, name: 'CP Notified Shop', cloudpayments: { publicId: NOTIFY.publicId, apiSecret: NOTIFY.apiSecret, notifications } },
    ],
  };
}

/** A gateway with the CloudPayments face; `face` configures it (e.g. `{concurrency: 0}` lifts the 429 limit). */
export function startCpGateway(kind: StoreKind, seed: Seed = cpSeed(), face: CloudPaymentsOptions = {}): Promise<TestGateway> {
  return startTestGateway(kind, seed, undefined, {
    faces: [...ALL_FACES.filter((f) => f.name !== 'cloudpayments'), createCloudpaymentsFace(face)],
  });
}

export interface Creds {
  publicId: string;
  apiSecret: string;
}

/** The npm `cloudpayments` package pointed at the gateway. */
export function npmService(h: TestGateway, c: Creds = SHOP): ClientService {
  return new ClientService({
    publicId: c.publicId,
    privateKey: c.apiSecret,
    endpoint: `${h.url}/cloudpayments`,
    org: { inn: 7708806063, taxationSystem: 0 },
  });
}

export function npmApi(h: TestGateway, c: Creds = SHOP): ClientApi {
  return npmService(h, c).getClientApi();
}

export function client(h: TestGateway, c: Creds = SHOP): CloudPaymentsClient {
  return new CloudPaymentsClient({ endpoint: `${h.url}/cloudpayments`, publicId: c.publicId, apiSecret: c.apiSecret });
}

export function card(number: string, extra: Partial<CardData> = {}): CardData {
  return { number, ...FUTURE, cvv: '123', ...extra };
}

/** A raw request to the face: exact status and body bytes. */
export async function raw(
  h: TestGateway,
  path: string,
  body: string | undefined,
  opts: { auth?: string | null; type?: string; requestId?: string; method?: string } = {},
) {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? 'Basic ' + Buffer.from(`${SHOP.publicId}:${SHOP.apiSecret}`).toString('base64') : opts.auth;
  if (auth) headers.authorization = auth;
  if (opts.type !== '') headers['content-type'] = opts.type ?? 'application/json';
  if (opts.requestId) headers['x-request-id'] = opts.requestId;
  const res = await fetch(`${h.url}/cloudpayments${path}`, {
    method: opts.method ?? 'POST',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const { text, json } = await bodyOf(res);
  return { status: res.status, text, json, headers: res.headers };
}

/** The merchant's page that posts PaReq, MD and TermUrl to AcsUrl (as the docs' form example). */
export function handoffHtml(model: { TransactionId: number; PaReq: string; AcsUrl: string }, termUrl: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<form name="downloadForm" action="${esc(model.AcsUrl)}" method="POST"><input type="hidden" name="PaReq" value="${esc(model.PaReq)}"><input type="hidden" name="MD" value="${model.TransactionId}"><input type="hidden" name="TermUrl" value="${esc(termUrl)}"></form>`;
}

/** Passes (or fails) 3-D Secure for a 3-D Secure Model; returns MD and PaRes as the ACS posted them to TermUrl. */
export async function threeDs(
  model: { TransactionId: number; PaReq: string; AcsUrl: string },
  answer: { approve: boolean } | { otp: string },
  termUrl: string,
): Promise<{ MD: string; PaRes: string }> {
  const html = handoffHtml(model, termUrl);
  const handoff = parseForm(html, model.AcsUrl);
  const acs = await postForm(handoff.action, handoff.fields);
  const acsForm = parseForm(await acs.text(), handoff.action, 'acs');
  const fields = {
    ...acsForm.fields,
    ...('otp' in answer ? { action: 'otp', otp: answer.otp } : { action: answer.approve ? 'approve' : 'decline' }),
  };
  const back = await postForm(acsForm.action, fields);
  const term = parseForm(await back.text(), acsForm.action);
  if (term.action !== termUrl) throw new Error(`the ACS posted to ${term.action}`);
  return { MD: term.fields.MD!, PaRes: term.fields.PaRes! };
}

export { passAcs };

// ---- a merchant's notification endpoint using the npm package's NotificationHandlers

export interface Got {
  type: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  request: Record<string, any> | null;
  error: string | null;
  answered: number;
}

export class CpReceiver {
  readonly got: Got[] = [];
  /** the code answered, per notification type (default 0) */
  codes: Record<string, number> = {};
  /** answer this HTTP status instead (per type), e.g. 500 */
  httpStatus: Record<string, number> = {};
  private server!: Server;
  url = '';

  constructor(private readonly handlers: NotificationHandlers) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const type = (req.url ?? '').split('?')[0]!.split('/').pop() ?? '';
      const method = {
        check: 'handleCheckRequest',
        pay: 'handlePayRequest',
        fail: 'handleFailRequest',
        confirm: 'handleConfirmRequest',
        refund: 'handleRefundRequest',
        recurrent: 'handleRecurrentRequest',
        cancel: 'handleRefundRequest',
      }[type] as keyof NotificationHandlers | undefined;
      const chunks: Buffer[] = [];
      const code = this.codes[type] ?? 0;
      const handled = method
        ? (this.handlers[method] as (r: IncomingMessage, v?: (x: unknown) => Promise<number>) => Promise<{ request: unknown }>).call(
            this.handlers,
            req,
            async () => code,
          )
        : Promise.reject(new Error('unknown type'));
      req.on('data', (c: Buffer) => chunks.push(c));
      handled.then(
        (r) =>
          this.answer(res, {
            type,
            req,
            body: Buffer.concat(chunks).toString('utf8'),
            request: r.request as Record<string, any>,
            error: null,
            code,
          }),
        (e: Error) => this.answer(res, { type, req, body: Buffer.concat(chunks).toString('utf8'), request: null, error: e.message, code }),
      );
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  private answer(
    res: import('node:http').ServerResponse,
    x: { type: string; req: IncomingMessage; body: string; request: Record<string, any> | null; error: string | null; code: number },
  ) {
    const status = this.httpStatus[x.type] ?? 200;
    this.got.push({
      type: x.type,
      method: x.req.method ?? '',
      url: x.req.url ?? '',
      headers: x.req.headers,
      body: x.body,
      request: x.request,
      error: x.error,
      answered: status,
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? JSON.stringify({ code: x.code }) : 'error');
  }

  of(type: string, pred: (g: Got) => boolean = () => true): Got[] {
    return this.got.filter((g) => g.type === type && pred(g));
  }

  async waitFor(type: string, pred: (g: Got) => boolean, ms = 10_000): Promise<Got> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.got.find((g) => g.type === type && pred(g));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} notification (got: ${this.got.map((g) => g.type).join(', ')})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
