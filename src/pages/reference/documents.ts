// The OpenAPI documents of the faces, in one place: what /docs lists and /docs/<face>/openapi.json serves.
import type { FaceName } from '../../core/model.js';
import { cloudpaymentsOpenApi } from '../../faces/cloudpayments/openapi.js';
import { mbillOpenApi } from '../../faces/mbill/openapi.js';
import { novapayOpenApi } from '../../faces/novapay/openapi.js';
import { numopayOpenApi } from '../../faces/numopay/openapi.js';
import { way2payOpenApi } from '../../faces/way2pay/openapi.js';
import type { OpenApiDocument } from '../../faces/kit/openapi.js';

export interface FaceDocument {
  face: FaceName;
  /** one line for the index */
  summary: string;
  /** the document, its server URL being `${baseUrl}${face.prefix}` */
  build(baseUrl: string): OpenApiDocument;
}

export const FACE_DOCUMENTS: readonly FaceDocument[] = [
  {
    face: 'numopay',
    summary:
      'Accounts, charge and refill tokens with 3-D Secure, payment status, webhook endpoints, checkout sessions. NP-ACCESS-TOKEN (HMAC-SHA256) auth.',
    build: numopayOpenApi,
  },
  {
    face: 'cloudpayments',
    summary:
      'Cryptogram and token payments, 3-D Secure, two-stage payments, refunds, payouts, subscriptions, orders, notifications. HTTP Basic auth.',
    build: cloudpaymentsOpenApi,
  },
  {
    face: 'novapay',
    summary:
      'Payment sessions with holds, void, secure delivery through Nova Poshta, frames and checkout, postbacks. RSA `x-sign` (SHA-1 or SHA-256).',
    build: novapayOpenApi,
  },
  {
    face: 'mbill',
    summary: 'One-time card tokens, card-to-card transfers with 3-D Secure or lookup codes, claims, webhooks. HTTP Basic tokens.',
    build: mbillOpenApi,
  },
  {
    face: 'way2pay',
    summary: 'P2P pay-ins with requisites, pay-outs, balances, reference data, callbacks. HMAC auth, generations 1 and 3.',
    build: way2payOpenApi,
  },
];

export function faceDocument(face: string): FaceDocument | undefined {
  return FACE_DOCUMENTS.find((d) => d.face === face);
}
