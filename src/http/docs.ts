import type { FastifyApiReferenceOptions } from '@scalar/fastify-api-reference';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The interactive reference at /docs: Scalar's page, made ours. It works
 * offline and sends nothing anywhere but this server (no web fonts, no
 * telemetry, none of Scalar's cloud features), and it has our title and icon.
 *
 * `x-business-id` is set once for the whole page: the page reads a copy of the
 * OpenAPI document (/docs/openapi.json) in which that header is an API-key
 * security scheme beside the token, so the page's authentication panel holds
 * both and every "try it" request sends both. The published /openapi.json keeps
 * DayZero's header parameters, as clients generated from it expect.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1d4ed8"/><path d="M18 20h28M18 32h28M18 44h16" stroke="#fff" stroke-width="6" stroke-linecap="round"/></svg>`;

/** The page's copy of the document: `x-business-id` as a security scheme set once, not a parameter per operation. */
function docsDocument(published: Json): Json {
  const doc = structuredClone(published);
  doc.components ??= {};
  const components = doc.components as Json;
  components.securitySchemes ??= {};
  (components.securitySchemes as Json).BusinessId = {
    type: 'apiKey',
    in: 'header',
    name: 'x-business-id',
    description: 'The business (tenant) to act in: set it once here. `GET /api/v1/businesses` lists yours.',
  };
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op) || !Array.isArray(op.parameters)) continue;
      const params: unknown[] = op.parameters;
      const kept = params.filter((p) => !(isObject(p) && p.in === 'header' && p.name === 'x-business-id'));
      if (kept.length < params.length) {
        op.parameters = kept;
        op.security = [{ HTTPBearer: [], BusinessId: [] }];
      }
    }
  }
  return doc;
}

/** Scalar's options: the page reads the copy at /docs/openapi.json. */
const REFERENCE_OPTIONS: FastifyApiReferenceOptions = {
  routePrefix: '/docs',
  configuration: {
    url: '/docs/openapi.json',
    title: 'Customers API',
    pageTitle: 'Customers API — reference',
    metaData: { title: 'Customers API — reference' },
    favicon: '/favicon.svg',
    // Nothing leaves this server: system fonts, no telemetry, no cloud features.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showDeveloperTools: 'never',
    hideClientButton: true,
    // Token and business id, entered once, are kept across reloads (in this browser's storage).
    persistAuth: true,
    authentication: { preferredSecurityScheme: [['HTTPBearer', 'BusinessId']] },
  },
};

/** Headers of the inner answer that belong to its own connection, not to the one answering here. */
const HOP_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive', 'transfer-encoding']);

export async function registerDocs(scope: FastifyInstance, published: () => Json): Promise<void> {
  let copy: Json | undefined;
  scope.get('/docs/openapi.json', { schema: { hide: true } }, async () => {
    copy ??= docsDocument(published());
    return copy;
  });
  scope.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
  );
  // Scalar's plugin (its page and the 4 MB script it serves) loads at the first visit, not at
  // start-up: its routes here hand each request to it, in a Fastify of its own built then.
  let reference: Promise<FastifyInstance> | undefined;
  const load = async () => {
    const { default: apiReference } = await import('@scalar/fastify-api-reference');
    const inner = Fastify({ routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true } });
    await inner.register(apiReference, REFERENCE_OPTIONS);
    await inner.ready();
    return inner;
  };
  const delegate = async (request: FastifyRequest, reply: FastifyReply) => {
    reference ??= load().catch((err: unknown) => {
      reference = undefined;
      throw err;
    });
    const res = await (await reference).inject({ method: 'GET', url: request.url, headers: request.headers });
    reply.code(res.statusCode);
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !HOP_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.send(res.rawPayload);
  };
  scope.get('/docs/', { schema: { hide: true } }, delegate);
  scope.get('/docs/js/scalar.js', { schema: { hide: true } }, delegate);
}
