// The edits outside the new face's own files, each a small textual change anchored on what is there today: the
// registry, the library's exports (src/index.ts and package.json), the conformance suite's adapter list and face
// names, the table-shape test's list of tables, the start banner the README shows, and the mutation-testing areas.
// An edit whose anchor is missing throws before anything is written.
import type { FaceNames } from './names.js';

export interface Edit {
  /** the file, relative to the repository's root */
  path: string;
  /** the new text of the file from its current text */
  apply(text: string, n: FaceNames): string;
}

class AnchorError extends Error {}

/** Inserts `line` after the last line matching `pattern`. */
function afterLast(text: string, pattern: RegExp, line: string, what: string): string {
  const lines = text.split('\n');
  let at = -1;
  lines.forEach((l, i) => {
    if (pattern.test(l)) at = i;
  });
  if (at === -1) throw new AnchorError(`cannot find ${what}`);
  lines.splice(at + 1, 0, line);
  return lines.join('\n');
}

/** Appends `item` to the one-line or multi-line list that follows `head` (up to its closing bracket). */
function appendToList(text: string, head: string, item: string, what: string): string {
  const start = text.indexOf(head);
  if (start === -1) throw new AnchorError(`cannot find ${what}`);
  const open = start + head.length;
  const close = text.indexOf(']', open);
  if (close === -1) throw new AnchorError(`cannot find the end of ${what}`);
  const inner = text.slice(open, close).replace(/,?\s*$/, '');
  return `${text.slice(0, open)}${inner}, ${item}${text.slice(close)}`;
}

/** The face's lines in the start banner the README shows (test/server/readme.test.ts compares it with the real one). */
function bannerLines(n: FaceNames): string {
  const fields: Array<[string, string]> = [
    ['baseUrl', `http://127.0.0.1:8080/${n.name}`],
    ['apiKey', `${n.name}_…`],
    ['secret', '…'],
  ];
  return [`  ${n.name}`, ...fields.map(([k, v]) => `    ${k.padEnd(16)} ${v}`)].join('\n');
}

export const EDITS: Edit[] = [
  {
    path: 'src/faces/registry.ts',
    apply: (t, n) =>
      appendToList(
        afterLast(
          t,
          /^import \{ \w+Face \} from '\.\/\w+\/face\.js';$/,
          `import { ${n.name}Face } from './${n.name}/face.js';`,
          'the face imports',
        ),
        'export const ALL_FACES: Face[] = [',
        `${n.name}Face`,
        'ALL_FACES',
      ),
  },
  {
    path: 'src/index.ts',
    apply: (t, n) =>
      afterLast(
        t,
        /^export \{ .* \} from '\.\/faces\/\w+\/client\.js';$/,
        `export { ${n.Name}Client, ${n.Name}ApiError } from './faces/${n.name}/client.js';`,
        "the clients' exports",
      ),
  },
  {
    path: 'package.json',
    apply: (t, n) => {
      const pkg = JSON.parse(t) as { exports?: Record<string, string> };
      if (JSON.stringify(pkg, null, 2) + '\n' !== t) throw new AnchorError('package.json is not formatted as npm writes it (2 spaces)');
      if (!pkg.exports) throw new AnchorError('cannot find "exports" in package.json');
      pkg.exports[`./clients/${n.name}`] = `./dist/faces/${n.name}/client.js`;
      return JSON.stringify(pkg, null, 2) + '\n';
    },
  },
  {
    path: 'test/conformance/faces.test.ts',
    apply: (t, n) => {
      const list = /const ADAPTERS: FaceAdapter\[\] = \[([^\]]*)\]/.exec(t);
      const last = list?.[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .pop();
      if (!last) throw new AnchorError('cannot find ADAPTERS');
      const imported = new RegExp(`^import \\{ ${last} \\} from '\\./faces/[\\w-]+\\.js';$`);
      const withImport = afterLast(t, imported, `import { ${n.name}Adapter } from './faces/${n.name}.js';`, `the import of ${last}`);
      return appendToList(withImport, 'const ADAPTERS: FaceAdapter[] = [', `${n.name}Adapter`, 'ADAPTERS');
    },
  },
  {
    path: 'test/conformance/faces/adapter.ts',
    apply: (t, n) => {
      const re = /^(export type FaceName = [^;]+);$/m;
      if (!re.test(t)) throw new AnchorError('cannot find the FaceName type');
      return t.replace(re, `$1 | '${n.name}';`);
    },
  },
  {
    path: 'test/conformance/tables.test.ts',
    apply: (t, n) =>
      afterLast(
        afterLast(
          t,
          /^import \{ \w+Tables \} from '\.\.\/\.\.\/src\/faces\/\w+\/store\.js';$/,
          `import { ${n.name}Tables } from '../../src/faces/${n.name}/store.js';`,
          "the faces' table imports",
        ),
        /^ {2}\.\.\.Object\.values\(\w+Tables\),$/,
        `  ...Object.values(${n.name}Tables),`,
        'the list of defined tables',
      ),
  },
  {
    path: 'README.md',
    apply: (t, n) => {
      const block = t.indexOf('## What `npm start` gives you');
      const end = block === -1 ? -1 : t.indexOf('\n\nDashboard:  ', block);
      if (end === -1) throw new AnchorError('cannot find the start banner under "What `npm start` gives you"');
      return `${t.slice(0, end)}\n${bannerLines(n)}${t.slice(end)}`;
    },
  },
  {
    path: 'stryker/areas.mjs',
    apply: (t, n) =>
      afterLast(
        t,
        /^ {2}\w+: \{ mutate: faceModules\('\w+'.*\), tests: faceTests\('\w+'\) \},$/,
        `  ${n.name}: { mutate: faceModules('${n.name}'), tests: faceTests('${n.name}') },`,
        'the faces of AREAS',
      ),
  },
];

export { AnchorError };
