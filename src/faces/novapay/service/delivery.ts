// NovaPay secure (delivery) payments on the session's side: `/confirm-delivery-hold` creates the express waybill
// that then moves through Nova Poshta (jobs.ts), and the delivery price of a package from the merchant's sender city.
import { randomUUID } from 'node:crypto';
import { randomDigits } from '../../../core/ids.js';
import type { Tx } from '../../../core/ports.js';
import { cityName, DEFAULT_SENDER_CITY, deliveryPrice as novaposhtaPrice, PriceError, TRACKING } from '../delivery.js';
import { processing } from '../http.js';
import type { NovapaySession, SessionDelivery } from '../store.js';
import { JOBS, SESSION_SUBJECT, type SessionLifecycle } from './lifecycle.js';

/** `/confirm-delivery-hold`: the seller ships; an express waybill is created and starts moving. */
export async function confirmDeliveryHold(life: SessionLifecycle, tx: Tx, s: NovapaySession): Promise<NovapaySession> {
  if (!s.delivery) throw processing('DELIVERY_NOT_USED');
  if (s.status === 'hold_confirmed' && s.expressWaybill) return s;
  if (s.status === 'voided' || s.status === 'processing_void') throw processing('SESSION_ALREADY_REFUNDED');
  if (s.status !== 'holded') throw processing('INVALID_STATUS');
  const p = await life.payment(tx, s);
  if (!p || p.status !== 'authorized') throw processing('INVALID_STATUS');
  const now = life.engine.clock.now();
  s.expressWaybill = '2045' + randomDigits(10);
  s.waybillRef = randomUUID();
  const first = TRACKING[0]!;
  s.deliveryStatusCode = first.code;
  s.deliveryStatusText = first.text(cityName(await senderCity(tx, s.merchantId)), cityName(s.delivery.recipient_city));
  await tx.refs.insert({
    face: 'novapay',
    merchantId: s.merchantId,
    kind: 'express_waybill',
    ref: s.expressWaybill,
    subjectType: SESSION_SUBJECT,
    subjectId: s.id,
  });
  await life.setStatus(tx, s, 'hold_confirmed', p);
  await tx.jobs.schedule(JOBS.waybill, s.id, now + first.stayMs, {});
  return s;
}

/** The merchant's sender city (its NovaPay seed's `senderCity` ref; Kyiv by default). */
export async function senderCity(tx: Tx, merchantId: string): Promise<string> {
  const c = (await tx.credentials.list(merchantId)).find((x) => x.face === 'novapay' && x.status === 'active');
  return typeof c?.data.senderCity === 'string' ? c.data.senderCity : DEFAULT_SENDER_CITY;
}

/** The delivery price of a package for a merchant (outside any transaction: it may call Nova Poshta). */
export async function deliveryPrice(
  life: SessionLifecycle,
  merchantId: string,
  amount: bigint,
  d: SessionDelivery,
): Promise<bigint | null> {
  if (!d.recipient_city || !d.recipient_warehouse) return null;
  const sender = await life.engine.read((tx) => senderCity(tx, merchantId));
  try {
    return await novaposhtaPrice(sender, d.recipient_city, d.recipient_warehouse, amount, d.weight, d.volume_weight);
  } catch (e) {
    if (e instanceof PriceError) throw processing('DELIVERY_PRICE_FAILED');
    throw e;
  }
}
