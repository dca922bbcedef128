// Seed export: every merchant with its credentials (and face objects where a face knows how), in the
// seed format that `--seed` and the import endpoint read.
import type { JsonObject } from '../../core/model.js';
import type { Gateway } from '../gateway.js';
import type { Seed, SeedMerchant } from '../seed.js';

export async function exportSeed(gw: Gateway): Promise<Seed> {
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
