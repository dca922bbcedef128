// A merchant's notification settings (the seven notification types: Check, Pay, Fail, Confirm, Refund, Recurrent,
// Cancel), each enabled or not, with its address, HTTP method, encoding and format, and the defaults of a type
// never set.
export const NOTIFICATION_TYPES = ['Check', 'Pay', 'Fail', 'Confirm', 'Refund', 'Recurrent', 'Cancel'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface NotificationSettings {
  type: NotificationType;
  isEnabled: boolean;
  address: string | null;
  httpMethod: 'GET' | 'POST';
  encoding: 'UTF8' | 'Windows1251';
  format: 'CloudPayments' | 'QIWI' | 'RT';
}

/** A merchant's settings of every notification type. */
export type MerchantNotifications = Record<NotificationType, NotificationSettings>;

export function defaultSettings(type: NotificationType): NotificationSettings {
  return { type, isEnabled: false, address: null, httpMethod: 'GET', encoding: 'UTF8', format: 'CloudPayments' };
}
