import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { emailProblem } from './email.js';
import { isUuid } from './ids.js';

/**
 * JSON-schema validation that reports problems in pydantic v2's shape (type,
 * loc, msg, input, ctx), every problem at once. Locations are relative to the
 * value checked; an edge prefixes them (the HTTP layer with "path", "query" or
 * "body"). Used for request parts and for CSV rows alike, so a row is checked
 * exactly like a create body.
 */

/** One problem, in pydantic v2's `ValidationError` shape. */
export interface Issue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

function addFormats(ajv: Ajv): Ajv {
  ajv.addFormat('uuid', { type: 'string', validate: (s: string) => isUuid(s) });
  ajv.addFormat('email', { type: 'string', validate: (s: string) => emailProblem(s) === null });
  // A file part in a multipart body: documented in OpenAPI, read by the handler.
  ajv.addFormat('binary', true);
  return ajv;
}

// Query strings and path params arrive as text and are coerced, like FastAPI does.
const coercing = addFormats(
  new Ajv({ allErrors: true, verbose: true, coerceTypes: true, useDefaults: true, strict: false }),
);
// JSON bodies are typed already: a number is not a string (pydantic's lax mode agrees).
const strict = addFormats(
  new Ajv({ allErrors: true, verbose: true, coerceTypes: false, useDefaults: true, strict: false }),
);

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function mainType(schema: JsonSchema | undefined): string | undefined {
  const t = schema?.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  return undefined;
}

/** The query as FastAPI reads it: last value of a repeated scalar, pydantic's boolean words. */
export function normalizeQuery(query: Record<string, unknown>, schema: JsonSchema): void {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    let value = query[name];
    if (Array.isArray(value) && mainType(prop) !== 'array') value = value[value.length - 1];
    if (typeof value === 'string' && prop['x-trim'] === true) value = value.trim();
    if (typeof value === 'string' && mainType(prop) === 'boolean') {
      const lower = value.toLowerCase();
      if (TRUE.has(lower)) value = 'true';
      else if (FALSE.has(lower)) value = 'false';
    }
    if (value !== undefined) query[name] = value;
  }
}

/** Trims fields marked `x-trim`, and accepts what pydantic's lax mode accepts from JSON. */
export function normalizeBody(body: Record<string, unknown>, schema: JsonSchema): void {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const value = body[name];
    const type = mainType(prop);
    if (typeof value === 'string') {
      if (prop['x-trim'] === true) body[name] = value.trim();
      else if (type === 'boolean') {
        const lower = value.toLowerCase();
        if (TRUE.has(lower)) body[name] = true;
        else if (FALSE.has(lower)) body[name] = false;
      } else if (type === 'integer' && /^\s*[+-]?\d+\s*$/.test(value)) body[name] = Number(value);
    }
  }
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

function expectedList(values: unknown[]): string {
  const q = values.map(quote);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

function toLoc(instancePath: string): (string | number)[] {
  const loc: (string | number)[] = [];
  for (const seg of instancePath.split('/').slice(1)) {
    const key = seg.replaceAll('~1', '/').replaceAll('~0', '~');
    loc.push(/^\d+$/.test(key) ? Number(key) : key);
  }
  return loc;
}

function toIssue(e: ErrorObject, root: unknown): Issue | null {
  const loc = toLoc(e.instancePath);
  // The caller's own input, as pydantic reports it: not the copy defaults were applied to.
  const input: unknown = e.instancePath === '' ? root : e.data;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { type: 'missing', loc: [...loc, p.missingProperty as string], msg: 'Field required', input };
    case 'type': {
      const types = Array.isArray(p.type) ? (p.type as string[]) : String(p.type).split(',');
      const t = types.find((x) => x !== 'null');
      switch (t) {
        case 'string':
          return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
        case 'integer':
          if (typeof input === 'string')
            return {
              type: 'int_parsing',
              loc,
              msg: 'Input should be a valid integer, unable to parse string as an integer',
              input,
            };
          if (typeof input === 'number')
            return {
              type: 'int_from_float',
              loc,
              msg: 'Input should be a valid integer, got a number with a fractional part',
              input,
            };
          return { type: 'int_type', loc, msg: 'Input should be a valid integer', input };
        case 'number':
          return typeof input === 'string'
            ? {
                type: 'float_parsing',
                loc,
                msg: 'Input should be a valid number, unable to parse string as a number',
                input,
              }
            : { type: 'float_type', loc, msg: 'Input should be a valid number', input };
        case 'boolean':
          return typeof input === 'string'
            ? { type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input }
            : { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input };
        case 'object':
          return {
            type: 'model_attributes_type',
            loc,
            msg: 'Input should be a valid dictionary or object to extract fields from',
            input,
          };
        case 'array':
          return { type: 'list_type', loc, msg: 'Input should be a valid list', input };
        default:
          return { type: 'value_error', loc, msg: `Input should be of type ${t}`, input };
      }
    }
    case 'minLength': {
      const n = p.limit as number;
      return {
        type: 'string_too_short',
        loc,
        msg: `String should have at least ${n} character${n === 1 ? '' : 's'}`,
        input,
        ctx: { min_length: n },
      };
    }
    case 'maxLength': {
      const n = p.limit as number;
      return {
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${n} character${n === 1 ? '' : 's'}`,
        input,
        ctx: { max_length: n },
      };
    }
    case 'minimum':
      return {
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${p.limit}`,
        input,
        ctx: { ge: p.limit },
      };
    case 'maximum':
      return {
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${p.limit}`,
        input,
        ctx: { le: p.limit },
      };
    case 'exclusiveMinimum':
      return { type: 'greater_than', loc, msg: `Input should be greater than ${p.limit}`, input, ctx: { gt: p.limit } };
    case 'exclusiveMaximum':
      return { type: 'less_than', loc, msg: `Input should be less than ${p.limit}`, input, ctx: { lt: p.limit } };
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (p.allowedValues as unknown[]) : [p.allowedValue];
      const expected = expectedList(allowed);
      return { type: 'literal_error', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
    }
    case 'format':
      if (p.format === 'email') {
        const reason = emailProblem(String(input)) ?? 'invalid address';
        return {
          type: 'value_error',
          loc,
          msg: `value is not a valid email address: ${reason}`,
          input,
          ctx: { reason },
        };
      }
      if (p.format === 'uuid') {
        return {
          type: 'uuid_parsing',
          loc,
          msg: 'Input should be a valid UUID',
          input,
          ctx: { error: 'invalid UUID' },
        };
      }
      return {
        type: 'value_error',
        loc,
        msg: `Value error, invalid ${p.format}`,
        input,
        ctx: { error: `invalid ${p.format}` },
      };
    case 'pattern':
      return {
        type: 'string_pattern_mismatch',
        loc,
        msg: `String should match pattern '${p.pattern}'`,
        input,
        ctx: { pattern: p.pattern },
      };
    case 'additionalProperties':
      return {
        type: 'extra_forbidden',
        loc: [...loc, p.additionalProperty as string],
        msg: 'Extra inputs are not permitted',
        input: (e.data as Record<string, unknown>)[p.additionalProperty as string],
      };
    case 'anyOf':
    case 'oneOf':
      return null; // the branches' own errors say it better
    default:
      return { type: 'value_error', loc, msg: `Value error, ${e.message ?? 'invalid value'}`, input };
  }
}

/** A compiled check: validates (coercing and applying defaults in place) and returns every problem. */
export type Check = (data: unknown, original?: unknown) => Issue[];

/** The compilations `compileWith` deferred that no check has needed yet. */
const pending = new Set<() => void>();

/**
 * Compiled at the first check, not here: the server declares a hundred-odd schemas
 * (every route's parts, the MCP tools', the fixtures'), and compiling them all at
 * start-up was a large part of the time to the first answer. `precompile` compiles
 * the rest at once.
 */
function compileWith(ajv: Ajv, schema: object): Check {
  let compiled: ValidateFunction | undefined;
  const compile = () => {
    compiled ??= ajv.compile(schema);
    pending.delete(compile);
    return compiled;
  };
  pending.add(compile);
  return (data, original = data) => {
    const validate = compiled ?? compile();
    if (validate(data)) return [];
    const issues: Issue[] = [];
    for (const e of validate.errors ?? []) {
      const issue = toIssue(e, original);
      if (issue) issues.push(issue);
    }
    // A string enum given a non-string fails both `type` and `enum`; pydantic reports the enum alone.
    const literal = new Set(issues.filter((i) => i.type === 'literal_error').map((i) => JSON.stringify(i.loc)));
    return issues.filter((i) => i.type !== 'string_type' || !literal.has(JSON.stringify(i.loc)));
  };
}

/** Compiles every check declared so far that has not run yet: a schema that cannot compile throws here. */
export function precompile(): void {
  for (const compile of pending) compile();
}

/** For text that arrives untyped (query strings, path params): coerced like FastAPI does. */
export const compileCoercing = (schema: object): Check => compileWith(coercing, schema);
/** For JSON values, which are typed already: a number is not a string (pydantic's lax mode agrees). */
export const compileStrict = (schema: object): Check => compileWith(strict, schema);

/**
 * Checks a plain object against a body schema with the same rules as a JSON
 * body: fields are normalized (trimmed, lax booleans and integers) first, and
 * the problems report the caller's own input.
 */
export function objectChecker(schema: object): (obj: Record<string, unknown>) => Issue[] {
  const check = compileStrict(schema);
  return (obj) => {
    const original = { ...obj };
    normalizeBody(obj, schema as JsonSchema);
    return check(obj, original);
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings no database column can hold as sent: the NUL character (PostgreSQL
 * text cannot contain it) and lone UTF-16 surrogates (not Unicode; a driver
 * would store them as U+FFFD, silently changing the data). Walks a parsed
 * value and reports each such string where it is.
 */
export function unstorableText(value: unknown, loc: (string | number)[] = []): Issue[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      return [
        {
          type: 'string_unicode',
          loc,
          msg: 'Input should be a valid string without the NUL character (\\u0000)',
          input: value,
        },
      ];
    }
    if (LONE_SURROGATE.test(value)) {
      return [
        {
          type: 'string_unicode',
          loc,
          msg: 'Input should be a valid string, not lone UTF-16 surrogates',
          input: value,
        },
      ];
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unstorableText(v, [...loc, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [
      ...unstorableText(k, [...loc, k]),
      ...unstorableText(v, [...loc, k]),
    ]);
  }
  return [];
}
