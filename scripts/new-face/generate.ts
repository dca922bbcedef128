// Generates a face: renders every template under templates/ (its path and text, with `__name__`, `__Name__`,
// `__NAME__`, `__TITLE__` and `__MIGRATION__` substituted; `.txt` dropped), makes the registration edits, formats
// the TypeScript it wrote or changed with the repository's prettier settings, and only then writes, so that a
// refusal (a taken name, a missing anchor) leaves the tree as it was.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { faceNames, nameProblem, titleProblem, type FaceNames } from './names.js';
import { EDITS } from './registration.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');
const PLACEHOLDER = /__(name|Name|NAME|TITLE|MIGRATION)__/g;
const LEFT_OVER = /__(name|Name|NAME|TITLE|MIGRATION)__/;

/** A refusal to generate: the message says why, and nothing was written. */
export class Refused extends Error {}

export interface Generated {
  names: FaceNames;
  /** files written, relative to the root */
  created: string[];
  /** files edited, relative to the root */
  edited: string[];
}

function substitute(text: string, n: FaceNames): string {
  const values: Record<string, string> = { name: n.name, Name: n.Name, NAME: n.NAME, TITLE: n.title, MIGRATION: n.migration };
  return text.replace(PLACEHOLDER, (_m, key: string) => values[key]!);
}

function templateFiles(dir = TEMPLATES): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? templateFiles(path) : entry.endsWith('.txt') ? [path] : [];
  });
}

async function format(root: string, path: string, text: string): Promise<string> {
  if (!/\.(ts|mjs)$/.test(path)) return text;
  const file = join(root, path);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

export async function generateFace(root: string, name: string, title?: string): Promise<Generated> {
  if (!existsSync(join(root, 'src/faces/registry.ts'))) throw new Refused(`${root} is not the Polypay repository's root`);
  const problem = nameProblem(root, name) ?? (title === undefined ? null : titleProblem(title));
  if (problem) throw new Refused(problem);
  const names = faceNames(root, name, title);
  const writes = new Map<string, string>();
  const created: string[] = [];
  for (const template of templateFiles()) {
    const path = substitute(relative(TEMPLATES, template), names).replace(/\.txt$/, '');
    if (existsSync(join(root, path))) throw new Refused(`${path} exists`);
    const text = substitute(readFileSync(template, 'utf8'), names);
    if (LEFT_OVER.test(text)) throw new Error(`${path}: a placeholder was left unsubstituted`);
    writes.set(path, await format(root, path, text));
    created.push(path);
  }
  const edited: string[] = [];
  for (const edit of EDITS) {
    const file = join(root, edit.path);
    if (!existsSync(file)) throw new Refused(`${edit.path} is missing: is ${root} the Polypay repository?`);
    let text: string;
    try {
      text = edit.apply(readFileSync(file, 'utf8'), names);
    } catch (e) {
      throw new Refused(`${edit.path}: ${(e as Error).message}`);
    }
    writes.set(edit.path, await format(root, edit.path, text));
    edited.push(edit.path);
  }
  for (const [path, text] of writes) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { names, created, edited };
}
