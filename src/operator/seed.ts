// Seed files (JSON or YAML) declare merchants and their credentials, so tests and users get fixed
// credentials. Faces read their own section; a face without one gets generated credentials. Export writes
// every merchant back in the same format (`--seed` and the admin API's import read it); the demo merchant is
// what a gateway without a seed starts with.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { CredentialSpec } from '../core/merchants.js';
import type { JsonObject } from '../core/model.js';
import type { SeedContext } from './context.js';

export interface SeedMerchant {
  id?: string;
  name: string;
  currencies?: string[];
  settings?: JsonObject;
  [face: string]: unknown;
}

export interface Seed {
  merchants: SeedMerchant[];
}

export function loadSeed(file: string): Seed {
  const text = readFileSync(file, 'utf8');
  const data = (file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) as Seed;
  if (!data || !Array.isArray(data.merchants)) throw new Error(`${file}: a seed needs a "merchants" list`);
  return data;
}

export async function createMerchantFromSeed(gw: SeedContext, m: SeedMerchant, index: number): Promise<string> {
  const id = m.id ?? undefined;
  return gw.engine.transaction(async (tx) => {
    if (id && (await tx.merchants.get(id))) return id;
    const specs: CredentialSpec[] = [];
    const draftId = id ?? `m_${Date.now().toString(36)}${index}`;
    for (const face of gw.faces) {
      const section = m[face.name] as
        (JsonObject & { _credentials?: Array<{ key: string; secret: string | null; data?: JsonObject }> }) | undefined;
      // an exported seed may carry the raw credentials of a face that has no seed format of its own
      if (section?._credentials)
        specs.push(...section._credentials.map((c) => ({ face: face.name, key: c.key, secret: c.secret, data: c.data ?? {} })));
      else specs.push(...face.credentials(section, { id: draftId, name: m.name, index }));
    }
    const { merchant } = await gw.engine.merchants.create(tx, {
      id: draftId,
      name: m.name,
      settings: m.settings ?? {},
      credentials: specs,
      currencies: m.currencies ?? ['RUB'],
    });
    for (const face of gw.faces) await face.onMerchantCreated?.(tx, merchant, m[face.name] as JsonObject | undefined, gw.faceContext(face));
    return merchant.id;
  });
}

export async function applySeed(gw: SeedContext, seed: Seed): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, m] of seed.merchants.entries()) ids.push(await createMerchantFromSeed(gw, m, i));
  return ids;
}

export async function createDemoMerchant(gw: SeedContext): Promise<string> {
  const id = await createMerchantFromSeed(gw, { id: 'demo', name: 'Demo Shop', currencies: ['RUB', 'USD', 'EUR'] }, 0);
  gw.log.info({ merchant: id }, 'created the demo merchant');
  return id;
}

/** Every merchant with its credentials (and face objects where a face knows how), as a seed. */
export async function exportSeed(gw: SeedContext): Promise<Seed> {
  const merchants = await gw.engine.read((tx) => tx.merchants.list());
  const out: SeedMerchant[] = [];
  for (const m of merchants) {
    const entry: SeedMerchant = { id: m.id, name: m.name, settings: m.settings };
    const creds = await gw.engine.read((tx) => tx.credentials.list(m.id));
    const currencies = [...new Set((await gw.engine.read((tx) => tx.ledger.listAccounts(m.id))).map((a) => a.currency))];
    if (currencies.length) entry.currencies = currencies;
    for (const face of gw.faces) {
      const mine = creds.filter((c) => c.face === face.name && c.status === 'active');
      if (!mine.length) continue;
      const section = face.exportSeed ? await gw.engine.read((tx) => face.exportSeed!(tx, m.id, mine)) : undefined;
      entry[face.name] =
        section ?? ({ _credentials: mine.map((c) => ({ key: c.key, secret: c.secret, data: c.data })) } as unknown as JsonObject);
    }
    out.push(entry);
  }
  return { merchants: out };
}
