// Notification settings per type (`/site/notifications/{type}/get` and `…/update`, GET or POST). Check cannot be
// changed through the API (only a seed sets it).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyFields, CpError, ok } from '../http.js';
import { flag, text } from '../parameters.js';
import { updateSettings } from '../service.js';
import { cpStore } from '../store.js';
import { NOTIFICATION_TYPES, type NotificationType } from '../wire/notification-settings.js';
import { settingsModel } from '../wire/settings.js';
import { authed, change, look, modelBody, type Routes } from './common.js';

function notificationType(req: FastifyRequest): NotificationType {
  const raw = (req.params as { type: string }).type;
  const t = NOTIFICATION_TYPES.find((x) => x.toLowerCase() === raw.toLowerCase());
  if (!t) throw new CpError('Invalid notification type');
  return t;
}

export function registerNotificationSettingsRoutes(api: FastifyInstance, r: Routes): void {
  api.post('/site/notifications/:type/get', async (req, reply) => {
    const a = authed(req);
    bodyFields(req);
    const type = notificationType(req);
    return look(r, req, reply, {
      read: (tx) => cpStore.getSettings(tx, a.merchant.id, type),
      body: (s) => modelBody(settingsModel(s)),
    });
  });

  api.post('/site/notifications/:type/update', async (req, reply) => {
    const a = authed(req);
    const f = bodyFields(req);
    const type = notificationType(req);
    if (type === 'Check') throw new CpError('The Check notification cannot be changed through the API');
    const isEnabled = flag(f, 'IsEnabled');
    const address = f.url('Address', { max: 2000 });
    const method = text(f, 'HttpMethod', 10);
    const encoding = text(f, 'Encoding', 20);
    const format = text(f, 'Format', 20);
    const httpMethod = method === undefined ? undefined : f.enumOf('HttpMethod', ['GET', 'POST'] as const, { caseInsensitive: true });
    const enc = encoding === undefined ? undefined : f.enumOf('Encoding', ['UTF8', 'Windows1251'] as const, { caseInsensitive: true });
    const fmt = format === undefined ? undefined : f.enumOf('Format', ['CloudPayments', 'QIWI', 'RT'] as const, { caseInsensitive: true });
    return change(r, req, reply, {
      work: (tx) =>
        updateSettings(tx, r.ctx, a.merchant.id, type, {
          ...(isEnabled !== undefined ? { isEnabled } : {}),
          ...(address !== undefined ? { address } : {}),
          ...(httpMethod !== undefined ? { httpMethod } : {}),
          ...(enc !== undefined ? { encoding: enc } : {}),
          ...(fmt !== undefined ? { format: fmt } : {}),
        }),
      body: () => ok(),
    });
  });
}
