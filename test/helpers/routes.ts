import type { InjectOptions } from 'fastify';
import type { Access } from '../../src/http/access.js';
import { wallClock } from '../../src/platform/clock.js';
import { uuidv7 } from '../../src/platform/ids.js';
import type { Permission } from '../../src/resources/businesses/roles.js';
import { createInvitation } from '../../src/resources/invitations/service.js';
import { createToken, hashToken } from '../../src/resources/tokens/service.js';
import { addTestMember, type Harness, multipart, unique } from './harness.js';
import { SoftPasskey } from './webauthn.js';

export interface Ids {
  /** The caller's business (routes that name a business). */
  businessId?: string;
  customerId: string;
  contactId: string;
}

export interface RouteCase {
  name: string;
  /** What the caller needs: a role allowing this permission in the business, or just a token. */
  permission: Permission | 'token';
  /**
   * Where the business comes from (default `header`, `x-business-id`): `path` routes name
   * it in the URL (no header), a non-member finds nothing there (404).
   */
  business?: 'header' | 'path';
  /** The access the route declares, when the core checks the rest (default: `permission`). */
  declares?: Access;
  /** The route names a customer (and maybe a contact): the tenant-isolation suite tries other tenants' ids. */
  idBearing: boolean;
  /** The request, made afresh for each call (it may create what it acts on, e.g. a member to remove). */
  request(ids: Ids, headers: Record<string, string>, h: Harness): InjectOptions | Promise<InjectOptions>;
  /** The status of a successful call. */
  ok: number;
  /** Authenticated by a console session's cookie (see asSession), not the token itself. */
  session?: true;
}

/** The user whose token is in these headers (a user of no valid token: none). */
async function userOf(h: Harness, headers: Record<string, string>): Promise<string | null> {
  const token = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
  if (!token) return null;
  const { rows } = await h.db.query<{ email: string }>(
    'SELECT u.email FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1',
    [hashToken(token)],
  );
  return rows[0]?.email ?? null;
}

const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

/** Passkeys belong to a host name: the route table's requests name one (no port: a session's cookie is named by the port). */
const PASSKEY_HOST = 'localhost';

/** A caller's own passkeys: options, register (with a software authenticator), list, delete. */
function PASSKEY_ROUTES(): RouteCase[] {
  return [
    {
      name: 'POST /api/v1/passkeys/options',
      permission: 'token',
      idBearing: false,
      ok: 200,
      request: (_ids, headers) => ({
        method: 'POST',
        url: '/api/v1/passkeys/options',
        headers: { ...headers, host: PASSKEY_HOST },
      }),
    },
    {
      name: 'POST /api/v1/passkeys',
      permission: 'token',
      idBearing: false,
      ok: 201,
      request: async (_ids, headers, h) => {
        const at = { ...headers, host: PASSKEY_HOST };
        const asked = await h.app.inject({ method: 'POST', url: '/api/v1/passkeys/options', headers: at });
        // A caller refused here gets options of no use: the request itself is what is judged.
        const options =
          asked.statusCode === 200 ? JSON.parse(asked.body).data : { challenge: 'A'.repeat(43), user: { id: 'AAAA' } };
        const credential = new SoftPasskey(`http://${PASSKEY_HOST}`).register(options);
        return { method: 'POST', url: '/api/v1/passkeys', headers: at, payload: { credential } };
      },
    },
    {
      name: 'GET /api/v1/passkeys',
      permission: 'token',
      idBearing: false,
      ok: 200,
      request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/passkeys?limit=5', headers }),
    },
    {
      name: 'DELETE /api/v1/passkeys/{passkey_id}',
      permission: 'token',
      idBearing: false,
      ok: 200,
      request: async (_ids, headers, h) => {
        // A passkey of the caller's own, stored as a registration would.
        const email = await userOf(h, headers);
        let target = NO_SUCH_ID;
        if (email) {
          target = uuidv7();
          await h.db.query(
            `INSERT INTO passkeys (id, user_id, credential_id, public_key, name, created_at)
             SELECT $1, id, $2, 'AA', 'Passkey', now() FROM users WHERE email = $3`,
            [target, unique('cred'), email],
          );
        }
        return { method: 'DELETE', url: `/api/v1/passkeys/${target}`, headers };
      },
    },
  ];
}

/** The routes anyone may call, without a token (test/structure.test.ts holds the app to this list). */
export const PUBLIC_ROUTES = [
  'GET /',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'GET /metrics',
  'GET /docs/',
  'GET /docs/js/scalar.js',
  'GET /docs/openapi.json',
  'GET /favicon.svg',
  // The operator console's static files (test/console.test.ts).
  'GET /console/',
  'GET /console/*',
  // An export link: the single-use ticket in the path is the credential (test/export.test.ts).
  'GET /api/v1/export-links/:secret',
];

/**
 * The routes anyone may call, whose caller may also authenticate (access `optional`: a token
 * sent must be valid). test/structure.test.ts holds the app to this list; their own suites test them.
 */
export const OPTIONAL_ROUTES = [
  // Accepting an invitation needs no token (the invitation is the credential); with one, it joins the caller's account.
  'POST /api/v1/invitations/accept',
  // Signing in: the body is the credential (a token or a sign-in link; a passkey's answer).
  'POST /api/v1/sessions',
  'POST /api/v1/sessions/passkey',
  // A challenge for signing in with a passkey (no user is named; it spends the address's rate limit).
  'POST /api/v1/sessions/passkey/options',
];

/**
 * The headers of a console session made from the Bearer token in `headers` (cookie and
 * x-csrf-token instead of Authorization). A token that signs nobody in gives a cookie
 * naming no session; headers without a Bearer token are sent as they are.
 */
async function asSession(h: Harness, headers: Record<string, string>): Promise<Record<string, string>> {
  const token = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
  if (token === undefined) return headers;
  const { authorization: _, ...rest } = headers;
  const made = await h.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { token } });
  if (made.statusCode !== 201) return { ...rest, cookie: `dz_session_80=${'0'.repeat(43)}` };
  const cookie = String(made.headers['set-cookie']).split(';')[0] ?? '';
  const current = await h.app.inject({ url: '/api/v1/sessions/current', headers: { cookie } });
  return { ...rest, cookie, 'x-csrf-token': JSON.parse(current.body).data.csrf_token };
}

function SESSION_ROUTES(): RouteCase[] {
  return [
    {
      name: 'GET /api/v1/sessions/current',
      permission: 'token',
      session: true,
      idBearing: false,
      ok: 200,
      request: async (_ids, headers, h) => ({
        method: 'GET',
        url: '/api/v1/sessions/current',
        headers: await asSession(h, headers),
      }),
    },
    {
      name: 'DELETE /api/v1/sessions/current',
      permission: 'token',
      session: true,
      idBearing: false,
      ok: 200,
      request: async (_ids, headers, h) => ({
        method: 'DELETE',
        url: '/api/v1/sessions/current',
        headers: await asSession(h, headers),
      }),
    },
  ];
}

/**
 * Every authenticated route, for the shared auth and tenant-isolation suites.
 * A route added to the API must be added here (test/structure.test.ts fails
 * until it is), and both suites then cover it.
 */
export const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/v1/businesses',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/businesses?sort_by=name', headers }),
  },
  {
    name: 'GET /api/v1/businesses/{business_id}',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/businesses/${ids.businessId ?? 'missing'}`, headers }),
  },
  {
    name: 'GET /api/v1/customers',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/customers?search=route', headers }),
  },
  {
    name: 'POST /api/v1/customers/bulk-upload',
    permission: 'bulk',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => {
      const m = multipart(`name,email\nBulk Route,bulk-${Math.random().toString(36).slice(2)}@example.com\n`);
      return {
        method: 'POST',
        url: '/api/v1/customers/bulk-upload',
        headers: { ...headers, ...m.headers },
        payload: m.payload,
      };
    },
  },
  {
    name: 'GET /api/v1/customers/export',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/customers/export?search=route', headers }),
  },
  {
    name: 'POST /api/v1/customers/export-links',
    permission: 'read',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({ method: 'POST', url: '/api/v1/customers/export-links?status=active', headers }),
  },
  {
    name: 'GET /api/v1/customers/bulk-upload/template',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/customers/bulk-upload/template', headers }),
  },
  {
    name: 'PUT /api/v1/customers/{customer_id}',
    permission: 'write',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'PUT',
      url: `/api/v1/customers/${ids.customerId}`,
      headers,
      payload: { notes: 'changed' },
    }),
  },
  {
    name: 'DELETE /api/v1/customers/{customer_id}',
    permission: 'delete',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'DELETE', url: `/api/v1/customers/${ids.customerId}`, headers }),
  },
  {
    name: 'POST /api/v1/customers',
    permission: 'write',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({
      method: 'POST',
      url: '/api/v1/customers',
      headers,
      payload: { name: 'Route Co', email: `route-${Math.random().toString(36).slice(2)}@example.com` },
    }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/customers/${ids.customerId}`, headers }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}/contacts',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/customers/${ids.customerId}/contacts`, headers }),
  },
  {
    name: 'POST /api/v1/customers/{customer_id}/contacts',
    permission: 'write',
    idBearing: true,
    ok: 201,
    request: (ids, headers) => ({
      method: 'POST',
      url: `/api/v1/customers/${ids.customerId}/contacts`,
      headers,
      payload: { name: 'Route Contact' },
    }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'GET',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
    }),
  },
  {
    name: 'PUT /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'write',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'PUT',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
      payload: { notes: 'changed' },
    }),
  },
  {
    name: 'DELETE /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'delete',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'DELETE',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
    }),
  },
  {
    name: 'POST /api/v1/businesses',
    permission: 'token',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({
      method: 'POST',
      url: '/api/v1/businesses',
      headers,
      payload: { name: unique('Route Business ') },
    }),
  },
  {
    name: 'PUT /api/v1/businesses/{business_id}',
    permission: 'manage',
    business: 'path',
    declares: 'token',
    idBearing: false,
    ok: 200,
    request: (ids, headers) => ({
      method: 'PUT',
      url: `/api/v1/businesses/${ids.businessId ?? 'missing'}`,
      headers,
      payload: { name: unique('Renamed ') },
    }),
  },
  {
    name: 'GET /api/v1/businesses/users',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/businesses/users?sort_by=email', headers }),
  },
  {
    name: 'POST /api/v1/businesses/users',
    permission: 'manage',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({
      method: 'POST',
      url: '/api/v1/businesses/users',
      headers,
      payload: { email: `${unique('colleague')}@example.com`, role: 'member' },
    }),
  },
  {
    name: 'PUT /api/v1/businesses/users/{user_id}',
    permission: 'manage',
    idBearing: false,
    ok: 200,
    request: async (ids, headers, h) => {
      const target = ids.businessId ? (await addTestMember(h, ids.businessId, 'viewer')).userId : NO_SUCH_ID;
      return { method: 'PUT', url: `/api/v1/businesses/users/${target}`, headers, payload: { role: 'member' } };
    },
  },
  {
    name: 'DELETE /api/v1/businesses/users/{user_id}',
    permission: 'manage',
    // Anyone may remove themselves: the route lets every member in, the core checks the rest.
    declares: 'read',
    idBearing: false,
    ok: 200,
    request: async (ids, headers, h) => {
      const target = ids.businessId ? (await addTestMember(h, ids.businessId, 'viewer')).userId : NO_SUCH_ID;
      return { method: 'DELETE', url: `/api/v1/businesses/users/${target}`, headers };
    },
  },
  ...INVITATION_ROUTES(),
  {
    name: 'GET /api/v1/tokens',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/tokens?limit=5', headers }),
  },
  {
    name: 'POST /api/v1/tokens',
    permission: 'token',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({ method: 'POST', url: '/api/v1/tokens', headers, payload: { expires_in_days: 1 } }),
  },
  {
    name: 'DELETE /api/v1/tokens/{token_id}',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: async (_ids, headers, h) => {
      // Another token of the caller's own (revoking the one in use would spoil the caller's next request).
      const email = await userOf(h, headers);
      const target = email ? (await createToken(h.db, { email, expiresInDays: 1 })).token_id : NO_SUCH_ID;
      return { method: 'DELETE', url: `/api/v1/tokens/${target}`, headers };
    },
  },
  ...PASSKEY_ROUTES(),
  {
    name: 'GET /api/v1/events',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/events?type=customer.created&limit=5', headers }),
  },
  ...WEBHOOK_ROUTES(),
  ...SESSION_ROUTES(),
  {
    // MCP: the token is checked here like any route's; each tool call then checks the role
    // in its business (test/mcp.test.ts: a viewer's write, another business, each refusal).
    name: 'POST /mcp',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({
      method: 'POST',
      url: '/mcp',
      headers: { ...headers, accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
      payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_businesses', arguments: {} } },
    }),
  },
];

/** A pending invitation of the business in these headers, made as the operator would (a missing business: a made-up id). */
async function invitationOf(h: Harness, headers: Record<string, string>): Promise<string> {
  const businessId = headers['x-business-id'];
  if (!businessId || !/^[0-9a-f-]{36}$/.test(businessId)) return NO_SUCH_ID;
  const exists = await h.db.query('SELECT 1 FROM businesses WHERE id = $1', [businessId]);
  if (exists.rows.length === 0) return NO_SUCH_ID;
  const inv = await createInvitation(h.db, wallClock, {
    businessId,
    email: `${unique('invitee')}@example.com`,
    role: 'viewer',
    inviter: null,
    baseUrl: 'http://127.0.0.1:8000',
  });
  return inv.id;
}

function INVITATION_ROUTES(): RouteCase[] {
  const base = '/api/v1/businesses/invitations';
  return [
    {
      name: 'GET /api/v1/businesses/invitations',
      permission: 'manage',
      idBearing: false,
      ok: 200,
      request: (_ids, headers) => ({ method: 'GET', url: `${base}?limit=5`, headers }),
    },
    {
      name: 'POST /api/v1/businesses/invitations',
      permission: 'manage',
      idBearing: false,
      ok: 201,
      request: (_ids, headers) => ({
        method: 'POST',
        url: base,
        headers,
        payload: { email: `${unique('invitee')}@example.com`, role: 'member' },
      }),
    },
    {
      name: 'DELETE /api/v1/businesses/invitations/{invitation_id}',
      permission: 'manage',
      idBearing: false,
      ok: 200,
      request: async (_ids, headers, h) => ({
        method: 'DELETE',
        url: `${base}/${await invitationOf(h, headers)}`,
        headers,
      }),
    },
  ];
}

/** A public address (no lookup needed, never contacted: no test here delivers to it). */
export const PUBLIC_HOOK_URL = 'https://93.184.216.34/hooks';

/** An endpoint of the business in these headers, made directly (a missing business: a made-up id). */
async function endpointOf(h: Harness, headers: Record<string, string>): Promise<string> {
  const businessId = headers['x-business-id'];
  if (!businessId || !/^[0-9a-f-]{36}$/.test(businessId)) return NO_SUCH_ID;
  const { rows } = await h.db.query<{ id: string }>(
    `INSERT INTO webhook_endpoints (business_id, id, url, events, secret)
     SELECT id, $2, $3, '{*}', 'whsec_dGVzdA==' FROM businesses WHERE id = $1 RETURNING id`,
    [businessId, uuidv7(), PUBLIC_HOOK_URL],
  );
  return rows[0]?.id ?? NO_SUCH_ID;
}

/** An event of the business in these headers (a customer made for the call wrote one), or a made-up id. */
async function eventOf(h: Harness, headers: Record<string, string>): Promise<string> {
  const businessId = headers['x-business-id'];
  if (!businessId || !/^[0-9a-f-]{36}$/.test(businessId)) return NO_SUCH_ID;
  const { rows } = await h.db.query<{ id: string }>('SELECT id FROM events WHERE business_id = $1 LIMIT 1', [
    businessId,
  ]);
  return rows[0]?.id ?? NO_SUCH_ID;
}

function WEBHOOK_ROUTES(): RouteCase[] {
  const base = '/api/v1/webhook-endpoints';
  const one = (
    name: string,
    method: InjectOptions['method'],
    suffix: string,
    ok: number,
    payload?: object,
  ): RouteCase => ({
    name,
    permission: 'manage',
    idBearing: false,
    ok,
    request: async (_ids, headers, h) => ({
      method,
      url: `${base}/${await endpointOf(h, headers)}${suffix}`,
      headers,
      ...(payload ? { payload } : {}),
    }),
  });
  return [
    {
      name: 'GET /api/v1/webhook-endpoints',
      permission: 'manage',
      idBearing: false,
      ok: 200,
      request: (_ids, headers) => ({ method: 'GET', url: `${base}?limit=5`, headers }),
    },
    {
      name: 'POST /api/v1/webhook-endpoints',
      permission: 'manage',
      idBearing: false,
      ok: 201,
      request: (_ids, headers) => ({
        method: 'POST',
        url: base,
        headers,
        payload: { url: PUBLIC_HOOK_URL, events: ['customer.created'] },
      }),
    },
    one('GET /api/v1/webhook-endpoints/{endpoint_id}', 'GET', '', 200),
    one('PUT /api/v1/webhook-endpoints/{endpoint_id}', 'PUT', '', 200, { description: 'CRM mirror' }),
    one('DELETE /api/v1/webhook-endpoints/{endpoint_id}', 'DELETE', '', 200),
    one('POST /api/v1/webhook-endpoints/{endpoint_id}/rotate-secret', 'POST', '/rotate-secret', 200),
    one('GET /api/v1/webhook-endpoints/{endpoint_id}/deliveries', 'GET', '/deliveries?limit=5', 200),
    one('POST /api/v1/webhook-endpoints/{endpoint_id}/test', 'POST', '/test', 202),
    {
      name: 'POST /api/v1/webhook-endpoints/{endpoint_id}/deliveries/{event_id}/redeliver',
      permission: 'manage',
      idBearing: false,
      ok: 202,
      request: async (_ids, headers, h) => ({
        method: 'POST',
        url: `${base}/${await endpointOf(h, headers)}/deliveries/${await eventOf(h, headers)}/redeliver`,
        headers,
      }),
    },
  ];
}
