// What `npm run mutate` mutates, and which tests it runs against each part. One area is one Stryker run with its
// own incremental file; an area's tests are the fast, in-process suites that own its code (SQLite only).
//
// When the face folders are restructured, only the globs below change: they match the module names (signing.ts,
// wire.ts, http.ts/auth.ts) anywhere under the face's folder.
/** A face's signing, wire-table (wire.ts and wire/*.ts) and authentication modules, wherever they sit under src/faces/<face>/. */
const faceModules = (face, ...extra) => [
  `src/faces/${face}/**/{signing,wire,http,auth}.ts`,
  `src/faces/${face}/wire/*.ts`,
  ...extra.map((f) => `src/faces/${face}/${f}`),
];
/** A face's own suites, and the unit tests named after it. */
const faceTests = (face) => [`test/faces/${face}/**/*.test.ts`, `test/unit/${face}-*.test.ts`];

export const AREAS = {
  // The engine and the store's money paths: the ledger repository, the per-transaction account deltas and the
  // ledger guards. Run against the unit suites and the engine's conformance suites (no HTTP, no gateway).
  core: {
    mutate: ['src/core/**/*.ts', 'src/store/ledger-guards.ts', 'src/store/repos/ledger.ts', 'src/store/account-deltas.ts'],
    tests: ['test/unit/**/*.test.ts', 'test/conformance/engine*.test.ts', 'test/conformance/ledger-guards.test.ts'],
  },
  numopay: { mutate: faceModules('numopay'), tests: faceTests('numopay') },
  novapay: { mutate: faceModules('novapay'), tests: faceTests('novapay') },
  mbill: { mutate: faceModules('mbill', 'sealing.ts'), tests: faceTests('mbill') },
  way2pay: { mutate: faceModules('way2pay'), tests: faceTests('way2pay') },
  cloudpayments: { mutate: faceModules('cloudpayments', 'cryptogram.ts'), tests: faceTests('cloudpayments') },
};

/** The area named by POLYPAY_MUTATION_AREA (set by stryker/run.mjs). */
export function currentArea() {
  const name = process.env.POLYPAY_MUTATION_AREA;
  const area = name && AREAS[name];
  if (!area) throw new Error(`POLYPAY_MUTATION_AREA must be one of ${Object.keys(AREAS).join(', ')} (got ${name})`);
  return { name, ...area };
}
