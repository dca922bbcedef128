// The dashboard's routing helpers: every page behind the session, every action a POST with the CSRF
// token answered by a redirect (post/redirect/get) with a one-shot flash message. Errors of the core
// and of the operator's input become messages, never a 500.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '../../core/errors.js';
import type { OperatorContext } from '../context.js';
import { DashboardError } from '../../faces/kit/dashboard.js';
import { esc, formFields, nonce } from '../../faces/kit/html.js';
import { checkCsrf, csrfToken, requireSession, safeNext, sessionOf } from './session.js';
import { type Flash, navigation, type NavEntry, notFound, page, send, type View } from './ui.js';

const FLASH = 'polypay_flash';

/** An error the operator can fix (bad input, unknown object): shown as a message. */
export class DashError extends DashboardError {}

export interface Ctx {
  op: OperatorContext;
  req: FastifyRequest;
  reply: FastifyReply;
  session: string;
  v: View;
  params: Record<string, string>;
}

export type PageOut = string | { status: number; html: string } | FastifyReply;
export interface ActionOut {
  to: string;
  flash?: Flash;
}

function readFlash(req: FastifyRequest, reply: FastifyReply): Flash | null {
  const m = new RegExp(`(?:^|;\\s*)${FLASH}=([^;]+)`).exec(req.headers.cookie ?? '');
  if (!m) return null;
  reply.header('set-cookie', `${FLASH}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`);
  try {
    const f = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as Flash;
    if ((f.kind === 'ok' || f.kind === 'error') && typeof f.text === 'string') return { kind: f.kind, text: f.text.slice(0, 500) };
  } catch {
    /* ignore a damaged cookie */
  }
  return null;
}

function setFlash(reply: FastifyReply, f: Flash | undefined): void {
  if (!f) return;
  const value = Buffer.from(JSON.stringify({ kind: f.kind, text: f.text.slice(0, 500) })).toString('base64url');
  reply.header('set-cookie', `${FLASH}=${value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=120`);
}

export function errorText(e: unknown): string {
  if (isCoreError(e)) return `${e.message} (${e.code})`;
  if (e instanceof DashboardError) return e.message;
  if (e instanceof RangeError) return e.message;
  return 'Something went wrong: ' + (e instanceof Error ? e.message : String(e));
}

export class Router {
  /** form tokens of money-moving actions already used (a second submission is refused) */
  private usedOps = new Map<string, number>();
  /** the navigation entries of the faces' pages */
  private readonly faceNav: NavEntry[] = [];

  constructor(
    readonly app: FastifyInstance,
    readonly op: OperatorContext,
  ) {
    app.setNotFoundHandler(async (req, reply) => {
      const s = await requireSession(req, reply, op);
      if (!s) return reply;
      const v = this.view(req, reply, s);
      return send(reply, v, notFound(v, `There is no dashboard page at ${req.url.split('?')[0]}.`), 404);
    });
  }

  view(req: FastifyRequest, reply: FastifyReply, session: string, withFlash = true): View {
    const st = this.op.engine.clock.state();
    return {
      nonce: nonce(),
      csrf: csrfToken(this.op, session),
      flash: withFlash ? readFlash(req, reply) : null,
      now: st.now,
      frozen: st.frozen,
      nav: navigation(this.faceNav),
    };
  }

  /** Lists a face's page in the navigation. */
  addNav(entry: NavEntry): void {
    this.faceNav.push(entry);
  }

  get(path: string, handler: (c: Ctx) => Promise<PageOut>): void {
    this.app.get(path, async (req, reply) => {
      const session = await requireSession(req, reply, this.op);
      if (!session) return reply;
      const v = this.view(req, reply, session);
      const out = await handler({ op: this.op, req, reply, session, v, params: (req.params ?? {}) as Record<string, string> });
      if (typeof out === 'string') return send(reply, v, out);
      if ('html' in out && 'status' in out && typeof out.html === 'string') return send(reply, v, out.html, out.status);
      return out;
    });
  }

  /**
   * A state-changing action. `back` is where the operator returns (also after an error); the handler
   * may name another place and a message.
   */
  post(
    path: string,
    back: (params: Record<string, string>) => string,
    handler: (c: Ctx, form: Record<string, string>) => Promise<ActionOut | string | void>,
    opts: { once?: boolean } = {},
  ): void {
    this.app.post(path, async (req, reply) => {
      const params = (req.params ?? {}) as Record<string, string>;
      // only dashboard paths, and never one a header cannot carry (a CR/LF in a decoded parameter or form field)
      const to = safeNext(back(params));
      const session = await sessionOf(req, this.op);
      if (!session) return reply.redirect(`/dashboard/login?next=${encodeURIComponent(to)}`, 303);
      const form = formFields(req);
      if (!checkCsrf(this.op, session, form._csrf)) {
        const v = this.view(req, reply, session, false);
        return send(
          reply,
          v,
          page(v, {
            title: 'Form refused',
            section: 'none',
            body: `<h1>Form refused</h1><div class="card" id="csrf-refused"><p>This form was not sent from a page of this dashboard session (its security token is missing or wrong), so nothing was changed.</p><p><a href="${esc(to)}">Go back and try again</a></p></div>`,
          }),
          403,
        );
      }
      if (opts.once) {
        const op = form._op ?? '';
        if (op && this.usedOps.has(op)) {
          setFlash(reply, { kind: 'error', text: 'This form was already submitted; nothing was done a second time.' });
          return reply.redirect(to, 303);
        }
        if (op) {
          this.usedOps.set(op, Date.now());
          if (this.usedOps.size > 5000) for (const k of [...this.usedOps.keys()].slice(0, 1000)) this.usedOps.delete(k);
        }
      }
      try {
        const v = this.view(req, reply, session, false);
        const out = await handler({ op: this.op, req, reply, session, v, params }, form);
        if (typeof out === 'string') {
          setFlash(reply, { kind: 'ok', text: out });
          return reply.redirect(to, 303);
        }
        if (!out) return reply.redirect(to, 303);
        setFlash(reply, out.flash);
        return reply.redirect(safeNext(out.to, to), 303);
      } catch (e) {
        if (!isCoreError(e) && !(e instanceof DashboardError) && !(e instanceof RangeError))
          req.log.error({ err: e }, 'dashboard action failed');
        setFlash(reply, { kind: 'error', text: errorText(e) });
        return reply.redirect(to, 303);
      }
    });
  }
}
