// Per-request context shared by the server and the faces: a request id, the merchant once a face has
// authenticated it, and the objects the request touched (for timelines, logs and fault rules).
import type { FastifyRequest } from 'fastify';

export interface RequestContext {
  id: string;
  face: string;
  merchantId?: string;
  subjects: string[];
  started: number;
  requestExcerpt?: string | null;
  responseExcerpt?: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    polypay: RequestContext;
  }
}

/** Faces call this after authenticating and when they touch an object ('payment', 123). */
export function annotate(req: FastifyRequest, a: { merchantId?: string; subject?: [string, string | number] }): void {
  const ctx = req.polypay;
  if (!ctx) return;
  if (a.merchantId) ctx.merchantId = a.merchantId;
  if (a.subject) {
    const s = `${a.subject[0]}:${a.subject[1]}`;
    if (!ctx.subjects.includes(s)) ctx.subjects.push(s);
  }
}

const PAN_RE = /(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])/g;
const SECRET_KEYS = /"(cvv|cvc|cvv2|csc|CardCryptogramPacket|PaRes|password|secret|ApiSecret|api_secret|secretKey)"\s*:\s*"[^"]*"/gi;
const FORM_SECRETS = /\b(cvv|cvc|CardCryptogramPacket|PaRes|otp)=[^&]*/gi;

/** Masks card numbers and removes CVVs, cryptograms and secrets from a body before it is kept anywhere. */
export function redact(text: string, max = 4096): string {
  const cut = text.length > max ? text.slice(0, max) + '…' : text;
  return cut
    .replace(SECRET_KEYS, (_m, k: string) => `"${k}":"[redacted]"`)
    .replace(FORM_SECRETS, (_m, k: string) => `${k}=[redacted]`)
    .replace(PAN_RE, (m) => {
      const d = m.replace(/[ -]/g, '');
      return d.length >= 13 ? d.slice(0, 6) + '*'.repeat(d.length - 10) + d.slice(-4) : m;
    });
}
