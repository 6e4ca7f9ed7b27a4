import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { PACKAGE_VERSION } from '../platform/version.js';
import { registerDocs } from './docs.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Lifts every schema marked `x-component: Name` into `components.schemas.Name`
 * and puts `{"$ref": "#/components/schemas/Name"}` in its place, so generated
 * clients get DayZero's type names. The route schemas that validate and
 * serialize stay as they are: this only changes how the same schemas are
 * written down. One name must always mean one schema.
 */
function liftComponents(doc: Json): void {
  doc.components ??= {};
  const components = doc.components as Json;
  components.schemas ??= {};
  const schemas = components.schemas as Json;
  const seen = new Map<string, string>();
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) if (k !== 'x-component') out[k] = visit(v);
    const name = node['x-component'];
    if (typeof name !== 'string') return out;
    // A use may add its own default and description (OpenAPI 3.1 allows them beside $ref): the component is the rest.
    const { default: fallback, description, ...definition } = out;
    const here: Json = {
      ...(description === undefined ? {} : { description }),
      ...(fallback === undefined ? {} : { default: fallback }),
    };
    const text = JSON.stringify(definition);
    const before = seen.get(name);
    if (before !== undefined && before !== text) throw new Error(`OpenAPI component ${name} has two definitions`);
    seen.set(name, text);
    schemas[name] = definition;
    return { $ref: `#/components/schemas/${name}`, ...here };
  };
  doc.paths = visit(doc.paths);
  for (const [name, schema] of Object.entries(schemas)) {
    if (!seen.has(name)) schemas[name] = visit(schema);
  }
  components.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

/** FastAPI's wording for every 2xx response. */
function describeSuccess(doc: Json): void {
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || !isObject(op.responses)) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^2\d\d$/.test(status) && isObject(response)) response.description = 'Successful Response';
      }
    }
  }
}

/** A body marked `x-optional-body` (see platform/schema.ts) may be left out: `required: false`. */
function optionalBodies(doc: Json): void {
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || !isObject(op.requestBody) || !isObject(op.requestBody.content)) continue;
      for (const media of Object.values(op.requestBody.content)) {
        if (isObject(media) && isObject(media.schema) && media.schema['x-optional-body'] === true) {
          delete media.schema['x-optional-body'];
          op.requestBody.required = false;
        }
      }
    }
  }
}

/** An operation that may answer 304 (http/conditional.ts) says which header its 200 and 304 carry. */
function entityTagHeaders(doc: Json): void {
  const header = {
    ETag: {
      description:
        'A strong validator of this answer: send it back in `If-None-Match` to be answered 304 while the answer is the same.',
      schema: { type: 'string' },
    },
  };
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || !isObject(op.responses) || !isObject(op.responses['304'])) continue;
      for (const status of ['200', '304']) {
        const response = op.responses[status];
        if (isObject(response))
          response.headers = { ...(isObject(response.headers) ? response.headers : {}), ...header };
      }
    }
  }
}

/** The published document, from the one @fastify/swagger generates out of the route schemas. */
function publishOpenApi<T>(generated: T): T {
  const doc = generated as unknown as Json;
  optionalBodies(doc);
  liftComponents(doc);
  describeSuccess(doc);
  entityTagHeaders(doc);
  return generated;
}

/** Routes registered inside it (a plugin's own, such as the docs page's assets) are public. */
async function publicRoutes(app: FastifyInstance, register: (scope: FastifyInstance) => Promise<void>) {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      // In place: the app's own onRoute hook (which ran first) keeps a reference to this object.
      route.config ??= {};
      route.config.access = 'public';
    });
    await register(scope);
  });
}

/**
 * The OpenAPI document, generated from the routes' schemas (so it must be
 * registered before the routes it documents), published at /openapi.json, and
 * the interactive reference at /docs (where `/` leads).
 */
export const openApi = fp<{ testMode?: boolean }>(
  async (app, opts) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Customers API',
          version: PACKAGE_VERSION,
          description:
            "A self-hostable implementation of DayZero's Customers API: accounts-receivable customers and their contacts.",
          license: { name: 'MIT', identifier: 'MIT' },
        },
        servers: [{ url: '/', description: 'This server' }],
        tags: [
          { name: 'customers', description: 'Customers and their contacts' },
          { name: 'businesses', description: "The businesses the token's user belongs to" },
          { name: 'members', description: 'Who belongs to a business, and with which role' },
          { name: 'tokens', description: "The caller's own API tokens" },
          { name: 'events', description: 'Every change to customers and contacts, in commit order' },
          ...(opts.testMode
            ? [
                {
                  name: 'test-mode',
                  description: 'Test mode only (never in production): reset, faults, webhooks, clock',
                },
              ]
            : []),
        ],
        components: {
          securitySchemes: {
            HTTPBearer: { type: 'http', scheme: 'bearer', description: 'An API token: `dz_…`' },
            ...(opts.testMode
              ? {
                  TestKey: {
                    type: 'apiKey',
                    in: 'header',
                    name: 'x-test-key',
                    description: "Test mode's key (the fixtures' test_key, or the one the banner prints)",
                  },
                }
              : {}),
          },
        },
      },
      transformObject: (doc) => publishOpenApi('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
      refResolver: {
        buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
      },
    });
    const published = () => app.swagger() as unknown as Record<string, unknown>;
    app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
    // A person who opens the server's address lands on the console (which links the reference).
    app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (_request, reply) =>
      reply.redirect('/console/', 302),
    );
    await publicRoutes(app, (scope) => registerDocs(scope, published));
  },
  { name: 'openapi' },
);
