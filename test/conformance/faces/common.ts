// Pieces the face adapters share: exact decimal amounts, the payer's visit to the simulated issuer's ACS (as a
// browser without scripts would make it, over real HTTP), the admin API of a test gateway, and raw JSON answers.
import { parseForm, postForm, type Form } from '../../helpers/browser-lite.js';
import { parseJson } from '../../helpers/http.js';
import type { TestGateway } from '../../helpers/gateway.js';
import type { Env } from './adapter.js';

/** A decimal amount in major units ("1500", "1500.5", 1500.05) as minor units, exactly (two decimals). */
export function minorOf(major: string | number): bigint {
  const text = String(major).trim();
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new Error(`not an amount with at most two decimals: ${text}`);
  return BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** Minor units as a decimal string in major units ("1500.00"). */
export function majorOf(minor: bigint): string {
  return `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
}

/**
 * The payer on the ACS page: posts the merchant's hand-off (PaReq, MD, TermUrl) to the ACS, answers it, and
 * returns the form the ACS posts back to the TermUrl (MD and PaRes), unsent.
 */
export async function answerAcs(handoff: Form, approve: boolean): Promise<Form> {
  const page = await postForm(handoff.action, handoff.fields);
  if (page.status !== 200) throw new Error(`the ACS page answered ${page.status}`);
  const acs = parseForm(await page.text(), handoff.action, 'acs');
  const back = await postForm(acs.action, { ...acs.fields, action: approve ? 'approve' : 'decline' });
  return parseForm(await back.text(), acs.action);
}

/** A page that hands the payer to the ACS (an auto-posting form): through the ACS and back to the TermUrl. */
export async function passAcsFrom(html: string, pageUrl: string, approve: boolean): Promise<Response> {
  const term = await answerAcs(parseForm(html, pageUrl), approve);
  return postForm(term.action, term.fields);
}

/** A request's answer: its status and its body parsed as JSON (the text when it is not JSON). */
export async function answerOf(res: Response): Promise<{ status: number; body: any; text: string }> {
  const text = await res.text();
  const json = parseJson(text);
  return { status: res.status, body: json === undefined ? text : json, text };
}

/** The gateway's admin API, with its token. */
export function adminOf(h: () => TestGateway): Env['admin'] {
  return async (method, path, body) => {
    const res = await fetch(`${h().url}/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${h().gw.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const { status, body: json } = await answerOf(res);
    return { status, json };
  };
}

/** How many payments a merchant has (the admin API's count), to tell how many a request made. */
export async function paymentCount(e: Env, merchantId: string): Promise<number> {
  const r = await e.admin('GET', `/payments?merchant=${merchantId}&limit=1`);
  if (r.status !== 200) throw new Error(`admin payments: ${r.status}`);
  return r.json.total as number;
}

/** The core object an id shown by a face stands for (the admin API's search over the ids faces show). */
export async function findSubject(e: Env, ref: string, type: string): Promise<{ type: string; id: string }> {
  const r = await e.admin('GET', `/search?q=${encodeURIComponent(ref)}`);
  const hit = (r.json as Array<{ kind: string; id: string | number }>).find((x) => x.kind === type);
  if (!hit) throw new Error(`no ${type} found for ${ref}: ${JSON.stringify(r.json)}`);
  return { type, id: String(hit.id) };
}

/** A header of a received request as one string. */
export function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string {
  const v = headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
