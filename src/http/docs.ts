import apiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

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

export async function registerDocs(scope: FastifyInstance, published: () => Json): Promise<void> {
  let copy: Json | undefined;
  scope.get('/docs/openapi.json', { schema: { hide: true } }, async () => {
    copy ??= docsDocument(published());
    return copy;
  });
  scope.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
  );
  await scope.register(apiReference, {
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
  });
}
