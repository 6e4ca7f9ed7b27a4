import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import {
  type Check,
  compileCoercing,
  compileStrict,
  type Issue,
  type JsonSchema,
  normalizeBody,
  normalizeQuery,
  unstorableText,
} from '../platform/validation.js';

/**
 * Request validation with pydantic's 422 shape. Fastify stops at the first
 * failing part of a request; a 422 here reports every problem at once, so each
 * route's params, query and body checks are compiled here and all three run,
 * their problems merged into one 422 with locations prefixed by the part.
 */

/** A 422: every problem of the request, locations starting with the part ("path", "query", "header", "body"). */
export class RequestValidationError extends Error {
  constructor(readonly issues: Issue[]) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super('Validation error');
    Error.stackTraceLimit = limit;
  }
}

export function headerIssue(name: string, type: string, msg: string, input: unknown, ctx?: Record<string, unknown>) {
  return new RequestValidationError([{ type, loc: ['header', name], msg, input, ...(ctx ? { ctx } : {}) }]);
}

export interface RouteValidators {
  path?: Check;
  query?: Check;
  body?: Check;
  querySchema?: JsonSchema;
  bodySchema?: JsonSchema;
  /** No body at all is valid (an endpoint whose body fields are all optional). */
  optionalBody?: boolean;
}

function compileRouteValidators(
  schema: FastifySchema | undefined,
  opts: { body: boolean; optionalBody?: boolean | undefined },
): RouteValidators {
  if (!schema) return {};
  const v: RouteValidators = opts.optionalBody ? { optionalBody: true } : {};
  if (schema.params) v.path = compileCoercing(schema.params as object);
  if (schema.querystring) {
    v.querySchema = schema.querystring as JsonSchema;
    v.query = compileCoercing(v.querySchema);
  }
  if (schema.body && opts.body) {
    v.bodySchema = schema.body as JsonSchema;
    v.body = compileStrict(v.bodySchema);
  }
  return v;
}

interface RequestParts {
  params: unknown;
  query: unknown;
  body: unknown;
}

const under = (part: string, issues: Issue[]): Issue[] => issues.map((i) => ({ ...i, loc: [part, ...i.loc] }));

/**
 * Validates (and coerces in place) every part of a request; returns all
 * problems. Fields of an object body are normalized before validation.
 */
function validateRequest(v: RouteValidators, req: RequestParts): Issue[] {
  const issues: Issue[] = [
    ...under('path', unstorableText(req.params)),
    ...under('query', unstorableText(req.query)),
    ...under('body', unstorableText(req.body)),
  ];
  // A part with text no column can hold is reported as such, not checked further.
  const unreadable = new Set(issues.map((i) => i.loc[0]));
  if (v.path && !unreadable.has('path')) issues.push(...under('path', v.path(req.params)));
  if (v.query && !unreadable.has('query')) {
    const q = (req.query ?? {}) as Record<string, unknown>;
    if (v.querySchema) normalizeQuery(q, v.querySchema);
    issues.push(...under('query', v.query(q)));
  }
  if (v.body && !unreadable.has('body')) {
    const body = req.body;
    if (body === undefined && v.optionalBody) {
      // Nothing to check: the route's defaults apply.
    } else if (body === undefined || body === null) {
      issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    } else {
      const isObject = typeof body === 'object' && !Array.isArray(body);
      const original = isObject ? { ...(body as Record<string, unknown>) } : body;
      if (isObject && v.bodySchema) normalizeBody(body as Record<string, unknown>, v.bodySchema);
      issues.push(...under('body', v.body(body, original)));
    }
  }
  return issues;
}

const MAX_JSON_DEPTH = 64;

/** How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Whether a JSON text nests deeper than any real body (the MCP endpoint's parser refuses it too). */
export const jsonTooDeep = (text: string): boolean => jsonDepth(text) > MAX_JSON_DEPTH;

/** A JSON body nested deeper than MAX_JSON_DEPTH: a 422 like any unreadable JSON. */
class TooDeepError extends RequestValidationError {
  constructor() {
    super([
      {
        type: 'json_invalid',
        loc: ['body'],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` },
      },
    ]);
  }
}

/**
 * Reading and checking requests: the JSON body parser, each route's validators
 * (compiled when the route is registered, so it must come before the routes),
 * and the preValidation hook that runs them — after authentication, so a
 * request without a valid token is a 401 whatever else is wrong, and every
 * problem of a request is reported at once.
 */
export const validation = fp(
  async (app) => {
    // Many HTTP wrappers send `Content-Type: application/json` on every request: an empty
    // body is then no body at all, exactly as without the header. A route that needs a
    // body still answers 422 "body: Field required" (validation sees it missing).
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      // Nesting past any real body's would only exhaust the stack of whoever walks it.
      if (jsonTooDeep(text)) {
        done(new TooDeepError(), undefined);
        return;
      }
      parseJson(request, text, done);
    });

    // Fastify's own validation is off: the preValidation hook below checks every part.
    app.setValidatorCompiler(() => () => true);
    app.addHook('onRoute', (route) => {
      route.config ??= {};
      route.config.validators = compileRouteValidators(route.schema, {
        body: !route.config.multipart,
        optionalBody: (route.schema?.body as Record<string, unknown> | undefined)?.['x-optional-body'] === true,
      });
    });

    app.addHook('preValidation', async (request) => {
      if (request.is404) return;
      const config = request.routeOptions.config;
      const validators = config.validators;
      const issues = validators ? validateRequest(validators, request) : [];
      // A key where the answer carries a secret is a fault of the request like any other, reported
      // with the rest (http/idempotency.ts refuses it again, should a route skip this hook).
      const key = request.headers['idempotency-key'];
      if (config.idempotency === 'refuse' && key !== undefined && request.method === 'POST') {
        issues.push({
          type: 'value_error',
          loc: ['header', 'idempotency-key'],
          msg: 'Value error, this endpoint answers with a secret, which is never stored: send it without Idempotency-Key',
          input: Array.isArray(key) ? key.join(', ') : key,
          ctx: { error: 'not accepted here' },
        });
      }
      if (issues.length > 0) throw new RequestValidationError(issues);
    });
  },
  { name: 'validation' },
);
