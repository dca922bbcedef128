// Checks for the OpenAPI documents: the structure OpenAPI 3.0 requires of what the documents use, every
// `$ref` resolving, path parameters declared, security schemes known, and every example matching its schema.
// `checkValue` also checks real answers against the documented schemas (the reference tests use it).
import { METHODS, type OpenApiDocument, type Schema } from '../../faces/kit/openapi.js';

type Any = Record<string, unknown>;

const isObj = (v: unknown): v is Any => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves a local JSON pointer (`#/components/schemas/X`); undefined when it does not resolve. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function deref(doc: unknown, v: unknown, seen = 0): unknown {
  if (isObj(v) && typeof v.$ref === 'string' && seen < 20) return deref(doc, resolvePointer(doc, v.$ref), seen + 1);
  return v;
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObj(v);
    default:
      return false;
  }
}

/**
 * Problems of a value against an OpenAPI 3.0 schema (the subset the documents use: type, nullable, enum,
 * properties, required, additionalProperties, items, oneOf, anyOf, allOf, pattern, minimum, maximum,
 * minLength, maxLength). An empty list means the value matches.
 */
export function checkValue(doc: unknown, schema: Schema | undefined, value: unknown, at = '$'): string[] {
  const sc = deref(doc, schema) as Any | undefined;
  if (!sc || !isObj(sc)) return [];
  if (value === null)
    return sc.nullable === true || (sc.type === undefined && !sc.oneOf && !sc.anyOf && !sc.allOf && !sc.enum)
      ? []
      : [`${at}: null is not allowed`];
  const out: string[] = [];
  if (Array.isArray(sc.allOf)) for (const part of sc.allOf) out.push(...checkValue(doc, part as Schema, value, at));
  if (Array.isArray(sc.oneOf)) {
    const ok = sc.oneOf.filter((alt) => checkValue(doc, alt as Schema, value, at).length === 0).length;
    if (ok !== 1) out.push(`${at}: matches ${ok} of the oneOf alternatives, not exactly one`);
  }
  if (Array.isArray(sc.anyOf) && !sc.anyOf.some((alt) => checkValue(doc, alt as Schema, value, at).length === 0))
    out.push(`${at}: matches none of the anyOf alternatives`);
  if (typeof sc.type === 'string' && !typeOk(sc.type, value))
    return [...out, `${at}: expected ${sc.type}, got ${Array.isArray(value) ? 'array' : typeof value}`];
  if (Array.isArray(sc.enum) && !sc.enum.includes(value as never))
    out.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(sc.enum)}`);
  if (typeof value === 'string') {
    if (typeof sc.pattern === 'string' && !new RegExp(sc.pattern).test(value))
      out.push(`${at}: ${JSON.stringify(value)} does not match ${sc.pattern}`);
    if (typeof sc.maxLength === 'number' && value.length > sc.maxLength) out.push(`${at}: longer than ${sc.maxLength}`);
    if (typeof sc.minLength === 'number' && value.length < sc.minLength) out.push(`${at}: shorter than ${sc.minLength}`);
  }
  if (typeof value === 'number') {
    if (typeof sc.minimum === 'number' && value < sc.minimum) out.push(`${at}: below ${sc.minimum}`);
    if (typeof sc.maximum === 'number' && value > sc.maximum) out.push(`${at}: above ${sc.maximum}`);
  }
  if (Array.isArray(value) && sc.items) value.forEach((item, i) => out.push(...checkValue(doc, sc.items as Schema, item, `${at}[${i}]`)));
  if (isObj(value)) {
    const props = isObj(sc.properties) ? sc.properties : {};
    for (const k of Array.isArray(sc.required) ? (sc.required as string[]) : [])
      if (!(k in value)) out.push(`${at}: missing required key "${k}"`);
    for (const [k, v] of Object.entries(value)) {
      if (k in props) out.push(...checkValue(doc, props[k] as Schema, v, `${at}.${k}`));
      else if (sc.additionalProperties === false) out.push(`${at}: unexpected key "${k}"`);
      else if (isObj(sc.additionalProperties)) out.push(...checkValue(doc, sc.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  return out;
}

/** Structural problems of a document (empty when it is sound). */
export function validateDocument(doc: OpenApiDocument): string[] {
  const out: string[] = [];
  const d = doc as unknown as Any;
  if (typeof d.openapi !== 'string' || !/^3\.0\.\d+$/.test(d.openapi)) out.push('openapi must be 3.0.x');
  const info = d.info as Any | undefined;
  if (!isObj(info) || typeof info.title !== 'string' || typeof info.version !== 'string') out.push('info needs title and version');
  if (!isObj(d.paths)) out.push('paths must be an object');
  if (!Array.isArray(d.servers) || !d.servers.every((x) => isObj(x) && typeof x.url === 'string')) out.push('servers must list urls');

  // every $ref resolves
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) node.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (isObj(node)) {
      if (typeof node.$ref === 'string' && resolvePointer(doc, node.$ref) === undefined)
        out.push(`${at}: $ref ${node.$ref} does not resolve`);
      for (const [k, v] of Object.entries(node)) if (k !== 'example' && k !== 'examples') walk(v, `${at}.${k}`);
    }
  };
  walk(doc, '#');

  // schemas use known types, and `required` names declared properties
  const walkSchema = (sc: unknown, at: string) => {
    if (!isObj(sc)) return;
    if (sc.type !== undefined && (typeof sc.type !== 'string' || !TYPES.has(sc.type)))
      out.push(`${at}: unknown type ${JSON.stringify(sc.type)}`);
    if (sc.type === 'array' && !isObj(sc.items)) out.push(`${at}: an array schema needs items`);
    if (Array.isArray(sc.required) && isObj(sc.properties))
      for (const r of sc.required as string[]) if (!(r in sc.properties)) out.push(`${at}: required "${r}" is not a property`);
    if (isObj(sc.properties)) for (const [k, v] of Object.entries(sc.properties)) walkSchema(v, `${at}.${k}`);
    if (isObj(sc.items)) walkSchema(sc.items, `${at}[]`);
    for (const k of ['oneOf', 'anyOf', 'allOf'] as const)
      if (Array.isArray(sc[k])) (sc[k] as unknown[]).forEach((x, i) => walkSchema(x, `${at}.${k}[${i}]`));
  };
  for (const [name, sc] of Object.entries(doc.components?.schemas ?? {})) walkSchema(sc, `#/components/schemas/${name}`);

  const schemes = doc.components?.securitySchemes ?? {};
  for (const [name, sc] of Object.entries(schemes)) {
    const t = (sc as Any).type;
    if (t === 'apiKey' && (typeof (sc as Any).name !== 'string' || !['header', 'query', 'cookie'].includes(String((sc as Any).in))))
      out.push(`securityScheme ${name}: apiKey needs name and in`);
    else if (t === 'http' && typeof (sc as Any).scheme !== 'string') out.push(`securityScheme ${name}: http needs a scheme`);
    else if (t !== 'apiKey' && t !== 'http') out.push(`securityScheme ${name}: unsupported type ${String(t)}`);
  }
  const checkSecurity = (sec: unknown, at: string) => {
    if (sec === undefined) return;
    if (!Array.isArray(sec)) return void out.push(`${at}: security must be a list`);
    for (const req of sec) for (const k of Object.keys(req as Any)) if (!(k in schemes)) out.push(`${at}: unknown security scheme ${k}`);
  };
  checkSecurity(d.security, '#/security');

  const ids = new Set<string>();
  const checkMedia = (media: unknown, at: string) => {
    if (!isObj(media)) return;
    for (const [type, m] of Object.entries(media)) {
      if (!isObj(m) || !isObj(m.schema)) {
        out.push(`${at}.${type}: a media type needs a schema`);
        continue;
      }
      if (m.example !== undefined) for (const e of checkValue(doc, m.schema as Schema, m.example)) out.push(`${at}.${type} example: ${e}`);
      if (isObj(m.examples))
        for (const [n, ex] of Object.entries(m.examples))
          for (const e of checkValue(doc, m.schema as Schema, (ex as Any).value)) out.push(`${at}.${type} example ${n}: ${e}`);
    }
  };
  const checkItem = (path: string, item: Any, at: string) => {
    for (const method of METHODS) {
      const op = item[method] as Any | undefined;
      if (!op) continue;
      const where = `${at} ${method.toUpperCase()}`;
      if (typeof op.operationId !== 'string') out.push(`${where}: operationId missing`);
      else if (ids.has(op.operationId)) out.push(`${where}: operationId ${op.operationId} is not unique`);
      else ids.add(op.operationId);
      if (typeof op.summary !== 'string' || !op.summary) out.push(`${where}: summary missing`);
      if (!isObj(op.responses) || Object.keys(op.responses).length === 0) out.push(`${where}: no responses`);
      for (const [code, r] of Object.entries(isObj(op.responses) ? op.responses : {})) {
        if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) out.push(`${where}: bad response code ${code}`);
        const resp = deref(doc, r) as Any | undefined;
        if (!isObj(resp) || typeof resp.description !== 'string') out.push(`${where} ${code}: a response needs a description`);
        else checkMedia(resp.content, `${where} ${code}`);
      }
      const params = (Array.isArray(op.parameters) ? op.parameters : []).map((x) => deref(doc, x) as Any);
      for (const prm of params) {
        if (
          !isObj(prm) ||
          typeof prm.name !== 'string' ||
          !['path', 'query', 'header', 'cookie'].includes(String(prm.in)) ||
          !isObj(prm.schema)
        ) {
          out.push(`${where}: a parameter needs name, in and schema`);
          continue;
        }
        if (prm.in === 'path') {
          if (prm.required !== true) out.push(`${where}: path parameter ${prm.name} must be required`);
          if (!path.startsWith('{$') && !path.includes(`{${prm.name}}`))
            out.push(`${where}: path parameter ${prm.name} is not in the path`);
        }
        if (prm.example !== undefined)
          for (const e of checkValue(doc, prm.schema as Schema, prm.example)) out.push(`${where} parameter ${prm.name}: ${e}`);
      }
      if (!path.startsWith('{$'))
        for (const m of path.matchAll(/\{([^}]+)\}/g))
          if (!params.some((x) => x.in === 'path' && x.name === m[1])) out.push(`${where}: path parameter ${m[1]} is not declared`);
      if (op.requestBody !== undefined) {
        const rb = deref(doc, op.requestBody) as Any;
        if (!isObj(rb) || !isObj(rb.content)) out.push(`${where}: requestBody needs content`);
        else checkMedia(rb.content, `${where} requestBody`);
      }
      checkSecurity(op.security, where);
      if (isObj(op.callbacks))
        for (const [cb, expr] of Object.entries(op.callbacks))
          for (const [url, ci] of Object.entries(expr as Any)) checkItem(url, ci as Any, `${where} callback ${cb} ${url}`);
    }
  };
  for (const [path, item] of Object.entries(isObj(d.paths) ? d.paths : {})) {
    if (!path.startsWith('/')) out.push(`${path}: paths start with /`);
    if (!isObj(item)) continue;
    for (const k of Object.keys(item))
      if (!METHODS.includes(k as never) && !['summary', 'description', 'parameters', 'servers'].includes(k) && !k.startsWith('x-'))
        out.push(`${path}: unexpected key ${k}`);
    checkItem(path, item, path);
  }
  for (const [name, item] of Object.entries(isObj(d['x-webhooks']) ? (d['x-webhooks'] as Any) : {}))
    checkItem(`/${name}`, item as Any, `x-webhooks ${name}`);
  return out;
}
