// The vitest config of mutation runs (stryker/stryker.config.mjs): SQLite only, no global setup (so no embedded
// PostgreSQL is started), and only the test files of the area being mutated (stryker/areas.mjs). `npm test` keeps
// using vitest.config.ts at the root.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { AREAS } from './areas.mjs';

const areaName = process.env.POLYPAY_MUTATION_AREA as keyof typeof AREAS | undefined;
const include = areaName && AREAS[areaName] ? AREAS[areaName].tests : Object.values(AREAS).flatMap((a) => a.tests);

/**
 * Unit tests first, then conformance, then the face suites: Stryker stops a mutant's run at its first failing test,
 * so a mutant the fast tests kill never waits for the slow ones.
 */
class FastFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => (f.moduleId.includes('/test/unit/') ? 0 : f.moduleId.includes('/test/conformance/') ? 1 : 2);
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include,
    env: { POLYPAY_TEST_STORES: 'sqlite' },
    sequence: { sequencer: FastFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
