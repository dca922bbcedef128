// The transfer and claim objects as Mbill's API shows them (wire.ts's models), from the face's records and what
// they point at: a transfer's pending 3-D Secure challenge (its PaReq), a claim's transfer.
import type { Engine } from '../../core/engine.js';
import type { Tx } from '../../core/ports.js';
import { mbillStore as S, type Claim, type Transfer } from './store.js';
import { amountNumber, declineOf, isoNaive, isoUtc, type ClaimView, type TransferSummaryView, type TransferView } from './wire.js';

/** Where links point: the gateway root (the ACS) and the face's base (the 3-D Secure terminal). */
export interface Bases {
  root: string;
  api: string;
}

export async function transferView(engine: Engine, tx: Tx, t: Transfer, bases: Bases): Promise<TransferView> {
  const v: TransferView = {
    id: String(t.id),
    type: 'transfer',
    external_id: t.externalId,
    token: t.token,
    token_expires_at: isoUtc(t.tokenExpiresAt),
    amount: amountNumber(t.amount),
    fee: amountNumber(t.fee),
    total: amountNumber(t.amount + t.fee),
    description: t.description,
    status: t.status,
    metadata: t.metadata,
    sender: t.sender,
    recipient: t.recipient,
    created_at: isoNaive(t.createdAt),
    updated_at: isoNaive(t.updatedAt),
  };
  if (t.status === 'authentication' && t.authType === '3d-secure' && t.challengeId) {
    const c = await tx.challenges.get(t.challengeId);
    if (c)
      v.auth = {
        type: '3d-secure',
        acs_url: `${bases.root}/acs`,
        pa_req: engine.challenges.paReq(c),
        md: t.externalId,
        terminal_url: `${bases.api}/3ds/terminal`,
      };
  } else if (t.status === 'authentication' && t.authType === 'lookup-code') {
    v.auth = { type: 'lookup-code', md: t.externalId };
  }
  if (t.status === 'declined') v.decline = declineOf(t.declineReason);
  return v;
}

function summaryView(t: Transfer): TransferSummaryView {
  return {
    id: String(t.id),
    status: t.status,
    amount: amountNumber(t.amount),
    fee: amountNumber(t.fee),
    total: amountNumber(t.amount + t.fee),
    description: t.description,
    sender: t.sender,
    recipient: t.recipient,
    created_at: isoNaive(t.createdAt),
    updated_at: isoNaive(t.updatedAt),
  };
}

export async function claimView(tx: Tx, c: Claim): Promise<ClaimView> {
  const v: ClaimView = {
    id: String(c.id),
    type: 'claim',
    external_id: c.externalId,
    status: c.status,
    token: c.token,
    token_expires_at: isoUtc(c.tokenExpiresAt),
    credential: c.credential,
    auth: { type: 'otp-code' },
    metadata: c.metadata,
    created_at: isoNaive(c.createdAt),
    updated_at: isoNaive(c.updatedAt),
  };
  if (c.status === 'declined' || c.status === 'error') v.decline = declineOf(c.declineReason);
  if (c.status === 'processing' || c.status === 'completed') {
    const t = await S.getTransfer(tx, c.transferId);
    if (t) {
      v.transfer = summaryView(t);
      if (c.status === 'completed') v.payment = v.transfer;
    }
  }
  return v;
}
