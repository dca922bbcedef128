// Dashboard login: the operator enters the admin token once; the browser then holds an HttpOnly,
// SameSite=Strict cookie with a signed, expiring session. Forms carry a CSRF token bound to it.
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import { randomToken } from '../../core/ids.js';
import type { Gateway } from '../../server/gateway.js';
import { formFields } from '../acs.js';
import { esc, nonce, securePage } from '../html.js';
import { bareLayout } from './ui.js';

const COOKIE = 'polypay_dash';
const TTL_MS = 12 * 3600_000;

function sign(gw: Gateway, payload: string): string {
  return createHmac('sha256', gw.adminToken).update('dashboard.' + payload).digest('base64url');
}

export function makeSession(gw: Gateway): string {
  const payload = `${Date.now() + TTL_MS}.${randomToken(16)}`;
  return `${payload}.${sign(gw, payload)}`;
}

/** The session of a request, or undefined when it has none or it is forged or expired. */
export function sessionOf(req: FastifyRequest, gw: Gateway): string | undefined {
  const cookie = req.headers.cookie ?? '';
  const m = new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]+)`).exec(cookie);
  if (!m) return undefined;
  const value = decodeURIComponent(m[1]!);
  const i = value.lastIndexOf('.');
  if (i < 0) return undefined;
  const payload = value.slice(0, i);
  if (!safeEqual(value.slice(i + 1), sign(gw, payload))) return undefined;
  if (Number(payload.split('.')[0]) < Date.now()) return undefined;
  return value;
}

export function csrfToken(gw: Gateway, session: string): string {
  return sign(gw, 'csrf.' + session).slice(0, 32);
}

export function checkCsrf(gw: Gateway, session: string, given: string | undefined): boolean {
  return typeof given === 'string' && safeEqual(given, csrfToken(gw, session));
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

/** Only paths of the dashboard itself are followed after signing in (no open redirect). */
function safeNext(next: string | undefined): string {
  return typeof next === 'string' && /^\/dashboard(?:[/?#]|$)/.test(next) && !next.includes('//') && !next.includes('\\') ? next : '/dashboard';
}

export function registerDashboardSession(d: FastifyInstance, gw: Gateway): void {
  d.get('/login', async (req, reply) => {
    const next = safeNext((req.query as { next?: string }).next);
    if (sessionOf(req, gw)) return reply.redirect(next, 303);
    const n = nonce();
    return securePage(reply, n).send(loginPage(n, null, next));
  });
  d.post('/login', async (req, reply) => {
    const f = formFields(req);
    const next = safeNext(f.next);
    if (!f.token || !safeEqual(f.token, gw.adminToken)) {
      await new Promise((r) => setTimeout(r, 250));
      const n = nonce();
      return securePage(reply.code(401), n).send(loginPage(n, 'That token is not the admin token.', next));
    }
    reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(makeSession(gw))}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${TTL_MS / 1000}`);
    return reply.redirect(next, 303);
  });
  d.post('/logout', async (req, reply) => {
    const s = sessionOf(req, gw);
    if (s && !checkCsrf(gw, s, formFields(req)._csrf)) {
      const n = nonce();
      return securePage(reply.code(403), n).send(bareLayout(n, 'Form refused', '<section class="card login"><h1>Form refused</h1><p>This sign-out form did not come from a page of this session.</p><p><a href="/dashboard">Back to the dashboard</a></p></section>'));
    }
    reply.header('set-cookie', `${COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.redirect('/dashboard/login', 303);
  });
}

/** Sends a request without a valid session to the login page. */
export function requireSession(req: FastifyRequest, reply: FastifyReply, gw: Gateway): string | undefined {
  const s = sessionOf(req, gw);
  if (!s) {
    void reply.redirect(`/dashboard/login?next=${encodeURIComponent(req.url)}`, 303);
    return undefined;
  }
  return s;
}
