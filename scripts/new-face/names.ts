// The names a new face is generated under: its name (lower case, the folder, prefix and wire name), the same
// capitalised (class and type names) and upper-cased (environment variables), its title, and its migration key.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const NAME_PATTERN = /^[a-z][a-z0-9]{1,19}$/;
/** Top-level paths of the gateway itself, and names under src/faces that are not faces. */
const RESERVED = new Set(['acs', 'admin', 'dashboard', 'docs', 'healthz', 'metrics', 'kit', 'face', 'registry']);
/** Titles end up in TypeScript strings and HTML: letters, digits, spaces, dots and dashes. */
const TITLE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 .-]{0,39}$/;

export interface FaceNames {
  name: string;
  Name: string;
  NAME: string;
  title: string;
  /** `<nnnn>_<name>`: the face's first migration, numbered after every existing one */
  migration: string;
}

/** Why `name` cannot be a new face in the repository at `root`, or null when it can. */
export function nameProblem(root: string, name: string): string | null {
  if (!NAME_PATTERN.test(name)) return `"${name}" is not a face name: a lower-case letter, then 1 to 19 lower-case letters or digits`;
  if (RESERVED.has(name)) return `"${name}" is taken by the gateway itself`;
  for (const path of [`src/faces/${name}`, `test/faces/${name}`, `test/conformance/faces/${name}.ts`, `docs/${name}.md`])
    if (existsSync(join(root, path))) return `a face named "${name}" exists: ${path}`;
  const registry = readFileSync(join(root, 'src/faces/registry.ts'), 'utf8');
  if (new RegExp(`\\b${name}Face\\b`).test(registry)) return `a face named "${name}" is registered in src/faces/registry.ts`;
  return null;
}

export function titleProblem(title: string): string | null {
  return TITLE_PATTERN.test(title) ? null : `"${title}" is not a title: up to 40 letters, digits, spaces, dots and dashes`;
}

export function faceNames(root: string, name: string, title?: string): FaceNames {
  const Name = name[0]!.toUpperCase() + name.slice(1);
  return { name, Name, NAME: name.toUpperCase(), title: title ?? Name, migration: `${nextMigration(root)}_${name}` };
}

/** The next free hundred after every migration key (`'0500_cloudpayments'`) of the store and the faces. */
function nextMigration(root: string): string {
  let max = 0;
  const scan = (path: string) => {
    for (const m of readFileSync(path, 'utf8').matchAll(/'(\d{4})_[a-z0-9_]+'\s*:/g)) max = Math.max(max, Number(m[1]));
  };
  scan(join(root, 'src/store/migrations.ts'));
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) scan(path);
    }
  };
  walk(join(root, 'src/faces'));
  const next = (Math.floor(max / 100) + 1) * 100;
  if (next > 9999) throw new Error('no free migration number below 10000');
  return String(next).padStart(4, '0');
}
