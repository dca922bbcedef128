// Notification settings per merchant and type (`/site/notifications/{type}/update`, and a seed's section).
import type { Tx } from '../../../core/ports.js';
import type { FaceContext } from '../../face.js';
import { CpError } from '../http.js';
import { cpStore } from '../store.js';
import type { NotificationSettings, NotificationType } from '../wire/notification-settings.js';

/** What an update may change (absent: unchanged). */
export type SettingsChanges = Partial<Omit<NotificationSettings, 'type'>>;

/** Changes a type's settings; Check cannot be changed through the API; enabled needs an address. */
export async function updateSettings(
  tx: Tx,
  ctx: FaceContext,
  merchantId: string,
  type: NotificationType,
  c: SettingsChanges,
): Promise<NotificationSettings> {
  const cur = await cpStore.getSettings(tx, merchantId, type);
  const next: NotificationSettings = {
    type,
    isEnabled: c.isEnabled ?? cur.isEnabled,
    address: c.address ?? cur.address,
    httpMethod: c.httpMethod ?? cur.httpMethod,
    encoding: c.encoding ?? cur.encoding,
    format: c.format ?? cur.format,
  };
  if (next.isEnabled && !next.address) throw new CpError('Address is required');
  await cpStore.putSettings(tx, merchantId, next, ctx.engine.clock.now());
  return next;
}

/** Settings from a merchant's seed (Check included: the seed is the only way to set it). */
export async function seedSettings(tx: Tx, ctx: FaceContext, merchantId: string, s: NotificationSettings): Promise<void> {
  await cpStore.putSettings(tx, merchantId, s, ctx.engine.clock.now());
}
