// The Check notification: sent synchronously for a payment about to be authorized (outside any transaction, as it
// waits for the merchant's server); the merchant's answer accepts the payment (code 0) or refuses it with a
// registration code (3001…3008, docs/cloudpayments.md).
import { uuid } from '../../../core/ids.js';
import type { Payment } from '../../../core/model.js';
import type { DeclineReason } from '../../../core/network/reasons.js';
import type { FaceContext } from '../../face.js';
import { cpStore } from '../store.js';
import { answerCode, plan, secretOf } from '../webhooks.js';
import { checkFields } from '../wire/notification.js';

const CHECK_TIMEOUT_MS = 15_000;

/** The registration code of a Check answer: 0 accepts; anything else declines. */
export interface CheckOutcome {
  accepted: boolean;
  /** 3001…3008 when refused */
  reasonCode: number | null;
}

const CHECK_CODES: Record<number, number> = { 10: 3001, 11: 3002, 12: 3003, 20: 3004, 13: 3008 };

/**
 * Sends the Check notification for a payment about to be authorized and waits for the answer (outside any
 * transaction). Returns null when the merchant has no Check notification enabled.
 */
export async function sendCheck(ctx: FaceContext, draft: Payment): Promise<CheckOutcome | null> {
  const { engine } = ctx;
  const found = await engine.read(async (tx) => ({
    settings: await cpStore.getSettings(tx, draft.merchantId, 'Check'),
    secret: await secretOf(tx, draft.merchantId),
  }));
  if (!found.settings.isEnabled || !found.settings.address || found.secret === null) return null;
  const eventId = uuid();
  const p = plan('Check', found.settings, found.secret, checkFields(draft), eventId);
  const r = await engine.dispatcher.sendNow(
    { eventId, merchantId: draft.merchantId, face: 'cloudpayments', subjectType: 'payment', subjectId: String(draft.id) },
    p,
    CHECK_TIMEOUT_MS,
  );
  if (r.status === null) return { accepted: false, reasonCode: 3007 };
  if (r.status === 503) return { accepted: false, reasonCode: 3006 };
  if (r.status < 200 || r.status >= 300) return { accepted: false, reasonCode: 3007 };
  const code = answerCode(r.body ?? '');
  if (code === 0) return { accepted: true, reasonCode: null };
  return { accepted: false, reasonCode: code === null ? 3005 : (CHECK_CODES[code] ?? 3005) };
}

/** The core reason recorded for a payment the merchant refused at Check. */
export const CHECK_DECLINE_REASON: DeclineReason = 'transaction_not_permitted_terminal';
