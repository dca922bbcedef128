// The benchmark's store ceiling writes, per charge, the rows a CloudPayments token charge writes
// (bench/lib/ceiling-rows.ts). This runs one token charge over HTTP on each store and compares every table before
// and after: when the gateway starts writing other tables, or another number of rows, the ceiling's model must be
// brought up to date, or the ceiling would no longer bound the charge it is compared with.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { TOKEN_CHARGE_ROWS_ADDED, tokenChargeTables } from '../../bench/lib/ceiling-rows.js';
import { cpToken } from '../../bench/lib/scenarios.js';
import type { Engine } from '../../src/core/engine.js';
import { useGateway } from '../helpers/gateway.js';
import { changedTables, settleGateway, stateDigest, tableNames } from '../helpers/fuzz.js';
import { STORES } from '../helpers/stores.js';
import { SHOP, startCpGateway } from '../faces/cloudpayments/helpers.js';

async function rowCounts(engine: Engine): Promise<Record<string, number>> {
  const names = await tableNames(engine);
  return engine.read(async (tx) => {
    const out: Record<string, number> = {};
    for (const t of names) {
      const r = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(t)}`.execute(tx.db<any>());
      out[t] = Number(r.rows[0]!.n);
    }
    return out;
  });
}

describe.each(STORES)('a token charge writes what the store ceiling writes (%s)', (kind) => {
  const g = useGateway(() => startCpGateway(kind));

  it('changes exactly the modelled tables, adding the modelled rows', async () => {
    const { gw, url } = g.h;
    const token = await cpToken(url, SHOP, 'ceiling_payer');
    await settleGateway(gw);
    const countsBefore = await rowCounts(gw.engine);
    const before = await stateDigest(gw.engine, []);

    const res = await fetch(`${url}/cloudpayments/payments/tokens/charge`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${SHOP.publicId}:${SHOP.apiSecret}`).toString('base64'),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        Amount: 10,
        Currency: 'RUB',
        AccountId: 'ceiling_payer',
        Token: token,
        Description: 'Ceiling',
        IpAddress: '127.0.0.1',
      }),
    });
    const body = (await res.json()) as { Success: boolean; Model: { Status: string } };
    expect(body.Success).toBe(true);
    expect(body.Model.Status).toBe('Completed');
    await settleGateway(gw);

    const after = await stateDigest(gw.engine, []);
    const countsAfter = await rowCounts(gw.engine);
    expect(changedTables(before, after).sort()).toEqual(tokenChargeTables(kind));
    const added = Object.fromEntries(Object.keys(countsAfter).map((t) => [t, countsAfter[t]! - (countsBefore[t] ?? 0)]));
    for (const [t, n] of Object.entries(TOKEN_CHARGE_ROWS_ADDED)) expect({ table: t, added: added[t] }).toEqual({ table: t, added: n });
    // and no table outside the model gained or lost rows
    const others = Object.entries(added).filter(([t, n]) => n !== 0 && !(t in TOKEN_CHARGE_ROWS_ADDED));
    expect(others).toEqual([]);
  });
});
