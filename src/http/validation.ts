import type { FastifySchema } from 'fastify';
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

export function compileRouteValidators(
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

export interface RequestParts {
  params: unknown;
  query: unknown;
  body: unknown;
}

const under = (part: string, issues: Issue[]): Issue[] => issues.map((i) => ({ ...i, loc: [part, ...i.loc] }));

/**
 * Validates (and coerces in place) every part of a request; returns all
 * problems. Fields of an object body are normalized before validation.
 */
export function validateRequest(v: RouteValidators, req: RequestParts): Issue[] {
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
