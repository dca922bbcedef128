// One conformance suite every face passes: the scenarios of faces/scenarios.ts, run against each face through its
// adapter (faces/<face>.ts), on SQLite and on PostgreSQL, over real HTTP against one running gateway per store
// (merchants A and B on every face) with one real webhook receiver. A scenario a provider has no counterpart for
// is skipped with the provider's reason (the adapter's `skip`); one a face fails today runs with `it.fails`
// (the adapter's `knownFailures`), so the suite turns red, and the marking must go, once the face is fixed.
import { beforeAll, describe, it } from 'vitest';
import { REL_SEED } from '../reliability/faces.js';
import { startTestGateway, useGateway } from '../helpers/gateway.js';
import { STORES } from '../helpers/stores.js';
import { SCENARIOS, type Env, type FaceAdapter } from './faces/adapter.js';
import { adminOf } from './faces/common.js';
import { CASES } from './faces/scenarios.js';
import { numopay } from './faces/numopay.js';
import { cloudpayments } from './faces/cloudpayments.js';
import { novapay } from './faces/novapay.js';
import { mbill } from './faces/mbill.js';
import { way2pay } from './faces/way2pay.js';

const ADAPTERS: FaceAdapter[] = [numopay, cloudpayments, novapay, mbill, way2pay];

describe.each(STORES)('every face conforms on %s', (store) => {
  const g = useGateway(() => startTestGateway(store, REL_SEED), { receiver: true });
  const env: Env = {
    get h() {
      return g.h;
    },
    get rx() {
      return g.rx;
    },
    admin: adminOf(() => g.h),
  };
  beforeAll(() => {
    // CloudPayments counts a notification as delivered only when answered {"code":0}; the other faces take any 200
    g.rx.responseBody = '{"code":0}';
  });

  describe.each(ADAPTERS.map((a) => [a.face, a] as const))('%s', (_face, a) => {
    for (const scenario of SCENARIOS) {
      const skip = a.skip.find((s) => s.scenarios.includes(scenario));
      if (skip) {
        it.skip(`${scenario}: ${skip.reason}`, () => {});
        continue;
      }
      const known = a.knownFailures.find((k) => k.scenario === scenario);
      for (const c of CASES[scenario]) {
        // a known failure: the comment is the adapter's reason, e.g. "fixed when the face runs its requests through
        // the kit's command()/query() (issue 14)"
        if (known) it.fails(`${c.title} (fails today: ${known.reason})`, () => c.run(a, env));
        else it(c.title, () => c.run(a, env));
      }
    }
  });
});
