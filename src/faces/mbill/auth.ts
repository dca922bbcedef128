// Mbill's authentication: HTTP Basic tokens, the username (`base64(TOKEN:)`, as `curl -uTOKEN:` sends it) or the
// password: the merchant's API token (found by its hash, compared in constant time), or a transfer's or a claim's
// own token. An object is looked up before its token is checked: 404 comes before 401, as the reference server.
import type { FastifyRequest } from 'fastify';
import { safeEqual } from '../../core/crypto.js';
import type { Engine } from '../../core/engine.js';
import { CoreError } from '../../core/errors.js';
import type { Credential, Merchant } from '../../core/model.js';
import type { Tx } from '../../core/ports.js';
import { fail } from './http.js';
import { parseBasic, tokenKey } from './signing.js';
import { mbillStore as S, type Claim, type Transfer } from './store.js';

/** The tokens a client presents with HTTP Basic: the username (`base64(TOKEN:)`), or the password. */
function basicTokens(req: FastifyRequest): string[] {
  const c = parseBasic(req.headers.authorization);
  if (!c) return [];
  return [c.username, c.password].filter((x): x is string => !!x);
}

/** The merchant whose API token `token` is (found by its hash, then compared in constant time). */
async function merchantOf(engine: Engine, tx: Tx, token: string) {
  const f = await engine.merchants.authenticate(tx, 'mbill', tokenKey(token));
  return f && safeEqual(f.credential.secret ?? '', token) ? f : undefined;
}

/** The merchant's API token as the HTTP Basic username (the blueprint's `curl -uAPI_TOKEN`). */
export async function authMerchant(engine: Engine, req: FastifyRequest): Promise<{ merchant: Merchant; credential: Credential }> {
  const tokens = basicTokens(req);
  if (!tokens.length) throw fail.accessDenied('Send your API token as the HTTP Basic username.');
  const found = await engine.read(async (tx) => {
    for (const t of tokens) {
      const f = await merchantOf(engine, tx, t);
      if (f) return f;
    }
    return undefined;
  });
  if (!found) throw fail.accessDenied('Invalid API token.');
  return found;
}

const ID_RE = /^\d{1,15}$/;

/** A transfer for its token holder (or, with `allowApiToken`, its merchant's API token): 404 before 401. */
export async function authTransfer(engine: Engine, req: FastifyRequest, id: string, opts: { allowApiToken: boolean }): Promise<Transfer> {
  const tokens = basicTokens(req);
  return engine.read(async (tx) => {
    const t = ID_RE.test(id) ? await S.getTransfer(tx, Number(id)) : undefined;
    if (!t) throw new CoreError('NOT_FOUND');
    if (tokens.some((x) => safeEqual(x, t.token))) return t;
    if (opts.allowApiToken) for (const x of tokens) if ((await merchantOf(engine, tx, x))?.merchant.id === t.merchantId) return t;
    throw new CoreError(
      'UNAUTHENTICATED',
      tokens.length ? 'Invalid transfer token.' : 'Send the transfer token as the HTTP Basic username.',
    );
  });
}

/** A claim for its token holder: 404 before 401. */
export async function authClaim(engine: Engine, req: FastifyRequest, id: string): Promise<Claim> {
  const tokens = basicTokens(req);
  return engine.read(async (tx) => {
    const c = ID_RE.test(id) ? await S.getClaim(tx, Number(id)) : undefined;
    if (!c) throw new CoreError('NOT_FOUND');
    if (tokens.some((x) => safeEqual(x, c.token))) return c;
    throw new CoreError('UNAUTHENTICATED', tokens.length ? 'Invalid claim token.' : 'Send the claim token as the HTTP Basic username.');
  });
}
