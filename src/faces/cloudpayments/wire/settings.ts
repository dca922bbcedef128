// The notification settings Model (`/site/notifications/{type}/get`).
import type { JsonObject } from '../../../core/model.js';

/** A type's settings as the model shows them. */
export interface SettingsView {
  isEnabled: boolean;
  address: string | null;
  httpMethod: string;
  encoding: string;
  format: string;
}

export function settingsModel(s: SettingsView): JsonObject {
  return { IsEnabled: s.isEnabled, Address: s.address, HttpMethod: s.httpMethod, Encoding: s.encoding, Format: s.format };
}
