// Small builders for the faces' OpenAPI 3.0 documents (each face's openapi.ts): schemas, parameters,
// bodies and responses, so that each document reads as a list of operations rather than nested literals.
// Vendor extensions the reference pages read:
//   x-polypay-browser   on an operation: a payer page or script opened by a browser, not an API call
//   x-polypay-aliases   on a path item: other spellings of the path the face also serves
//   x-webhooks          at the top: what the gateway sends to the merchant (OpenAPI 3.0 has no `webhooks`)

export type Schema = { [key: string]: unknown };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Schema;
  example?: unknown;
}

export interface MediaType {
  schema: Schema;
  example?: unknown;
  examples?: Record<string, { summary?: string; description?: string; value: unknown }>;
}

export interface RequestBody {
  required?: boolean;
  description?: string;
  content: Record<string, MediaType>;
}

export interface Response {
  description: string;
  headers?: Record<string, { description?: string; schema: Schema } | { $ref: string }>;
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  parameters?: Array<Parameter | { $ref: string }>;
  requestBody?: RequestBody;
  responses: Record<string, Response | { $ref: string }>;
  security?: Array<Record<string, string[]>>;
  callbacks?: Record<string, Record<string, PathItem>>;
  'x-polypay-browser'?: boolean;
}

export type Method = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'options' | 'head';
export const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete', 'options', 'head'];

export type PathItem = Partial<Record<Method, Operation>> & { summary?: string; description?: string; 'x-polypay-aliases'?: string[] };

export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description?: string }>;
  tags: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, PathItem>;
  components: {
    securitySchemes: Record<string, Schema>;
    schemas: Record<string, Schema>;
    parameters?: Record<string, Parameter>;
    responses?: Record<string, Response>;
    headers?: Record<string, { description?: string; schema: Schema }>;
  };
  'x-webhooks'?: Record<string, PathItem>;
}

// ---- schemas

type Extra = Schema & { description?: string };

const withDescription = (s: Schema, description?: string | Extra): Schema =>
  typeof description === 'string' ? { ...s, description } : { ...s, ...(description ?? {}) };

export const s = {
  str: (description?: string | Extra): Schema => withDescription({ type: 'string' }, description),
  int: (description?: string | Extra): Schema => withDescription({ type: 'integer' }, description),
  num: (description?: string | Extra): Schema => withDescription({ type: 'number' }, description),
  bool: (description?: string | Extra): Schema => withDescription({ type: 'boolean' }, description),
  /** any JSON value */
  any: (description?: string): Schema => (description ? { description } : {}),
  enum: (values: readonly (string | number)[], description?: string | Extra): Schema =>
    withDescription({ type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values] }, description),
  arr: (items: Schema, description?: string | Extra): Schema => withDescription({ type: 'array', items }, description),
  /** an object; `required` lists the keys always present (in answers) or needed (in requests) */
  obj: (properties: Record<string, Schema>, required: readonly string[] | 'all' = [], description?: string | Extra): Schema => {
    const req = required === 'all' ? Object.keys(properties) : [...required];
    return withDescription({ type: 'object', properties, ...(req.length ? { required: req } : {}) }, description);
  },
  /** an object with any keys */
  map: (values: Schema = {}, description?: string | Extra): Schema =>
    withDescription({ type: 'object', additionalProperties: values }, description),
  ref: (name: string): Schema => ({ $ref: `#/components/schemas/${name}` }),
  oneOf: (alternatives: Schema[], description?: string | Extra): Schema => withDescription({ oneOf: alternatives }, description),
  anyOf: (alternatives: Schema[], description?: string | Extra): Schema => withDescription({ anyOf: alternatives }, description),
};

/** The same schema, also allowing null. A `$ref` is wrapped (OpenAPI 3.0 ignores siblings of `$ref`). */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema) return { allOf: [schema], nullable: true };
  return { ...schema, nullable: true };
}

// ---- parameters

export const p = {
  path: (name: string, description: string, example: unknown, schema: Schema = { type: 'string' }): Parameter => ({
    name,
    in: 'path',
    required: true,
    description,
    schema,
    example,
  }),
  query: (name: string, description: string, schema: Schema = { type: 'string' }, example?: unknown): Parameter => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
    ...(example === undefined ? {} : { example }),
  }),
  header: (name: string, description: string, schema: Schema = { type: 'string' }, example?: unknown, required = false): Parameter => ({
    name,
    in: 'header',
    required,
    description,
    schema,
    ...(example === undefined ? {} : { example }),
  }),
  ref: (name: string): { $ref: string } => ({ $ref: `#/components/parameters/${name}` }),
};

// ---- bodies and responses

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export function jsonBody(schema: Schema, example: unknown, description?: string): RequestBody {
  return { required: true, ...(description ? { description } : {}), content: { [JSON_TYPE]: { schema, example } } };
}

/** A body sent as JSON or as a form (CloudPayments): the same parameters either way. */
export function jsonOrFormBody(schema: Schema, example: unknown, description?: string): RequestBody {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { [JSON_TYPE]: { schema, example }, [FORM_TYPE]: { schema } },
  };
}

export function json(description: string, schema: Schema, example?: unknown, extra: Partial<Response> = {}): Response {
  return { description, ...extra, content: { [JSON_TYPE]: { schema, ...(example === undefined ? {} : { example }) } } };
}

/** A JSON answer with several named examples (the first is what a developer most often sees). */
export function jsonExamples(
  description: string,
  schema: Schema,
  examples: Record<string, { summary: string; value: unknown }>,
  extra: Partial<Response> = {},
): Response {
  return { description, ...extra, content: { [JSON_TYPE]: { schema, examples } } };
}

export function content(description: string, type: string, schema: Schema = { type: 'string' }, example?: unknown): Response {
  return { description, content: { [type]: { schema, ...(example === undefined ? {} : { example }) } } };
}

export const ref = {
  response: (name: string): { $ref: string } => ({ $ref: `#/components/responses/${name}` }),
  header: (name: string): { $ref: string } => ({ $ref: `#/components/headers/${name}` }),
};

/**
 * A webhook's path item reused as an operation's callback: a copy whose operationIds get a prefix (operationIds
 * are unique across the whole document, callbacks included).
 */
export function callbackOf(item: PathItem, prefix: string): PathItem {
  const out: PathItem = { ...item };
  for (const m of METHODS) {
    const op = item[m];
    if (op) out[m] = { ...op, operationId: `${prefix}${op.operationId.charAt(0).toUpperCase()}${op.operationId.slice(1)}` };
  }
  return out;
}

/** Every operation of a document with its path and method, in document order. */
export function operations(doc: Pick<OpenApiDocument, 'paths'>): Array<{ path: string; method: Method; op: Operation; item: PathItem }> {
  const out: Array<{ path: string; method: Method; op: Operation; item: PathItem }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) out.push({ path, method, op, item });
    }
  }
  return out;
}
