// Stryker (mutation testing) for one area of stryker/areas.mjs, named by POLYPAY_MUTATION_AREA.
// Run it through `npm run mutate` (stryker/run.mjs), which runs every area in turn and writes the score table
// into docs/test-strength.md. Not part of `npm test`: a full run takes long on two cores.
import { currentArea } from './areas.mjs';

const area = currentArea();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // A vitest config without the global setup (no embedded PostgreSQL), SQLite only, and the area's test files.
  vitest: { configFile: 'stryker/vitest.config.ts' },
  mutate: area.mutate,
  // Each mutant runs only the tests that executed its code during the first (dry) run; a mutant executed while a
  // module loads or in a beforeAll hook (a "static" mutant) runs all of the area's tests.
  coverageAnalysis: 'perTest',
  // One test runner at a time: the machine has two cores, shared with the other engineers working on it.
  // Raise it (e.g. `npm run mutate -- --concurrency 2`) on a machine of your own.
  concurrency: 1,
  // Results are kept per area; a rerun tests only mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: `stryker/incremental/${area.name}.json`,
  // Stryker copies the project to a sandbox; build output, data and reports stay behind.
  ignorePatterns: ['dist', 'data', '.polypay', 'test-output', 'bench/results', 'reports', 'stryker/incremental'],
  tempDirName: '.stryker-tmp',
  reporters: ['progress-append-only', 'html'],
  htmlReporter: { fileName: `reports/mutation/${area.name}.html` },
  // A mutant that makes a request hang is a timeout (counted as detected): 10 s beyond the test's own time.
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 75, break: null },
  cleanTempDir: true,
};
