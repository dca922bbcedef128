// Dashboard login: the operator enters the admin token once; the browser then holds an HttpOnly,
// SameSite=Strict cookie with a signed, expiring session (Secure when the request came over HTTPS, directly or
// through a trusted proxy). Each session is also recorded in the store's settings (`dashboard.session.<id>`), and
// signing out marks it revoked there: a copied cookie stops working at once, in every process sharing the store.
// Forms carry a CSRF token bound to the session. The cookie's path is `/`, so the API reference can tell a
// signed-in operator from a visitor.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import { randomToken } from '../../core/ids.js';
import type { OperatorContext } from '../context.js';
import { esc, formFields, nonce, securePage } from '../../faces/kit/html.js';
import { bareLayout } from './ui.js';

const COOKIE = 'polypay_dash';
const TTL_MS = 12 * 3600_000;
const REVOKED = 'revoked';

function sign(op: OperatorContext, payload: string): string {
  return createHmac('sha256', op.adminToken)
    .update('dashboard.' + payload)
    .digest('base64url');
}

const sessionKey = (id: string) => `dashboard.session.${id}`;

/** `<expiry>.<id>` of a cookie value (its signature not checked here). */
function parts(session: string): { expiry: string; id: string } {
  const [expiry = '', id = ''] = session.split('.');
  return { expiry, id };
}

/** Records a session in the store (a sign-in, or the operator's own session again after a reset emptied the store). */
export async function recordSession(op: OperatorContext, session: string): Promise<void> {
  const { expiry, id } = parts(session);
  await op.engine.transaction((tx) => tx.settings.set(sessionKey(id), expiry));
}

/** A new signed session, recorded in the store. */
export async function makeSession(op: OperatorContext): Promise<string> {
  const payload = `${Date.now() + TTL_MS}.${randomToken(16)}`;
  const session = `${payload}.${sign(op, payload)}`;
  await recordSession(op, session);
  return session;
}

/** Revokes a session for every process sharing the store. */
export async function revokeSession(op: OperatorContext, session: string): Promise<void> {
  const { id } = parts(session);
  await op.engine.transaction((tx) => tx.settings.set(sessionKey(id), REVOKED));
}

/** The session of a request, or undefined when it has none, or it is forged, expired or revoked. */
export async function sessionOf(req: FastifyRequest, op: OperatorContext): Promise<string | undefined> {
  const cookie = req.headers.cookie ?? '';
  const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(cookie);
  if (!m) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  const i = value.lastIndexOf('.');
  if (i < 0) return undefined;
  const payload = value.slice(0, i);
  if (!safeEqual(value.slice(i + 1), sign(op, payload))) return undefined;
  const { expiry, id } = parts(payload);
  if (!id || Number(expiry) < Date.now()) return undefined;
  // signed by this gateway's token, and still recorded (not signed out, not from before a reset)
  const recorded = await op.engine.read((tx) => tx.settings.get(sessionKey(id)));
  if (recorded !== expiry) return undefined;
  return value;
}

export function csrfToken(op: OperatorContext, session: string): string {
  return sign(op, 'csrf.' + session).slice(0, 32);
}

export function checkCsrf(op: OperatorContext, session: string, given: string | undefined): boolean {
  return typeof given === 'string' && safeEqual(given, csrfToken(op, session));
}

function loginPage(n: string, error: string | null, next: string): string {
  return bareLayout(
    n,
    'Polypay dashboard — sign in',
    `<section class="card login" aria-labelledby="login-h"><h1 id="login-h">Polypay dashboard</h1><p class="muted small">Sign in with the admin token printed by <code>polypay start</code> (or POLYPAY_ADMIN_TOKEN).</p>
<form method="post" action="/dashboard/login" id="login">
<label for="token">Admin token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus aria-describedby="login-error"${error ? ' aria-invalid="true"' : ''}>
<p role="alert" class="error-text" id="login-error">${error ? esc(error) : ''}</p>
<input type="hidden" name="next" value="${esc(next)}">
<button type="submit" id="sign-in">Sign in</button></form></section>`,
  );
}

/**
 * Where a redirect may lead: a path of the dashboard (or of the API reference, to come back to it after signing
 * in) in printable ASCII, with no second slash or backslash that a browser could read as another site. Anything
 * else, a CR/LF included, gives `fallback`: no open redirect, and no header the HTTP layer would refuse.
 */
export function safeNext(next: string | undefined, fallback = '/dashboard'): string {
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  const dashboard = /^\/dashboard(?:[/?#][\x21-\x7e]*)?$/.test(next);
  const reference = /^\/docs(?:\/[a-z0-9-]{1,40})?$/.test(next);
  return (dashboard || reference) && !next.includes('//') && !next.includes('\\') ? next : fallback;
}

function sessionCookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

export function registerDashboardSession(d: FastifyInstance, op: OperatorContext): void {
  d.get('/login', async (req, reply) => {
    const next = safeNext((req.query as { next?: unknown }).next as string | undefined);
    if (await sessionOf(req, op)) return reply.redirect(next, 303);
    const n = nonce();
    return securePage(reply, n).send(loginPage(n, null, next));
  });
  d.post('/login', async (req, reply) => {
    const f = formFields(req);
    const next = safeNext(f.next);
    if (!f.token || !safeEqual(f.token, op.adminToken)) {
      await new Promise((r) => setTimeout(r, 250));
      const n = nonce();
      return securePage(reply.code(401), n).send(loginPage(n, 'That token is not the admin token.', next));
    }
    reply.header('set-cookie', sessionCookie(encodeURIComponent(await makeSession(op)), TTL_MS / 1000, op.isHttps(req)));
    return reply.redirect(next, 303);
  });
  d.post('/logout', async (req, reply) => {
    const s = await sessionOf(req, op);
    if (s && !checkCsrf(op, s, formFields(req)._csrf)) {
      const n = nonce();
      return securePage(reply.code(403), n).send(
        bareLayout(
          n,
          'Form refused',
          '<section class="card login"><h1>Form refused</h1><p>This sign-out form did not come from a page of this session.</p><p><a href="/dashboard">Back to the dashboard</a></p></section>',
        ),
      );
    }
    if (s) await revokeSession(op, s);
    // the cookie of earlier versions lived under /dashboard: cleared too
    reply.header('set-cookie', [
      sessionCookie('', 0, op.isHttps(req)),
      `${COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`,
    ]);
    return reply.redirect('/dashboard/login', 303);
  });
}

/** Sends a request without a valid session to the login page. */
export async function requireSession(req: FastifyRequest, reply: FastifyReply, op: OperatorContext): Promise<string | undefined> {
  const s = await sessionOf(req, op);
  if (!s) {
    void reply.redirect(`/dashboard/login?next=${encodeURIComponent(safeNext(req.url))}`, 303);
    return undefined;
  }
  return s;
}
