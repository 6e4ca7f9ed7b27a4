import fc from 'fast-check';
import type { InjectOptions } from 'fastify';

/** Ids a fuzzed request may name: the tenant's own, another's, random and broken ones. */
export interface FuzzIds {
  customerId: string;
  contactId: string;
  businessId: string;
}

const PATHS = [
  'POST /mcp',
  'GET /api/v1/businesses',
  'GET /api/v1/businesses/{business}',
  'GET /api/v1/customers',
  'POST /api/v1/customers',
  'GET /api/v1/customers/{customer}',
  'PUT /api/v1/customers/{customer}',
  'DELETE /api/v1/customers/{customer}',
  'POST /api/v1/customers/bulk-upload',
  'GET /api/v1/customers/bulk-upload/template',
  'GET /api/v1/customers/{customer}/contacts',
  'POST /api/v1/customers/{customer}/contacts',
  'GET /api/v1/customers/{customer}/contacts/{contact}',
  'PUT /api/v1/customers/{customer}/contacts/{contact}',
  'DELETE /api/v1/customers/{customer}/contacts/{contact}',
  'POST /api/v1/businesses',
  'PUT /api/v1/businesses/{business}',
  'GET /api/v1/businesses/users',
  'POST /api/v1/businesses/users',
  'PUT /api/v1/businesses/users/{customer}',
  'DELETE /api/v1/businesses/users/{customer}',
  'GET /api/v1/businesses/invitations',
  'POST /api/v1/businesses/invitations',
  'DELETE /api/v1/businesses/invitations/{customer}',
  'POST /api/v1/invitations/accept',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/{contact}',
  'GET /api/v1/events',
  'GET /api/v1/webhook-endpoints',
  'POST /api/v1/webhook-endpoints',
  'GET /api/v1/webhook-endpoints/{customer}',
  'PUT /api/v1/webhook-endpoints/{customer}',
  'DELETE /api/v1/webhook-endpoints/{contact}',
  'POST /api/v1/webhook-endpoints/{customer}/rotate-secret',
  'GET /api/v1/webhook-endpoints/{customer}/deliveries',
  'GET /healthz',
  'GET /readyz',
  'PATCH /api/v1/customers',
  'GET /api/v1/nowhere',
];

const QUERY_KEYS = [
  'cursor',
  'limit',
  'direction',
  'include_total_count',
  'sort_by',
  'descending',
  'search',
  'email',
  'status',
  'id',
  'name',
  'teal_instance',
  'access_token',
  'type',
  'object_id',
];

const BODY_KEYS = [
  'name',
  'email',
  'phone',
  'role',
  'notes',
  'is_primary',
  'status',
  'credit_limit_cents',
  'address',
  'website',
  'tax_id',
  'category',
  'invoice_footer',
  'default_payment_term_id',
  'id',
  'expires_in_days',
  'url',
  'events',
  'description',
  'enabled',
];

/** Text a hostile or broken client sends: unicode of every plane, NUL, lone surrogates, huge, numeric. */
const nastyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'é\udc00',
    '%00',
    '%',
    '%E0%A4%A',
    '💩',
    '\ufdfa'.repeat(40),
  ),
  fc.constantFrom('x'.repeat(300), 'x'.repeat(20_000)),
  fc.integer().map(String),
  fc.constantFrom('true', 'false', 'null', '-1', '0', '1001', '1e309', 'NaN', 'next', 'prev', 'name', 'relevance'),
  fc.emailAddress(),
  fc.uuid(),
  // Webhook targets: public, private in every notation, malformed.
  fc.constantFrom(
    'https://93.184.216.34/hooks',
    'https://2130706433/',
    'https://[::ffff:127.0.0.1]/',
    'http://0x7f.1/',
    'https://localhost/',
    'https://user:pw@93.184.216.34/',
    'ftp://x/',
    'https://[',
    'https://no-such-host.invalid/',
  ),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  nastyText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(nastyText, { maxLength: 3 }),
  fc.dictionary(nastyText, nastyText, { maxKeys: 3 }),
);

/** Percent-encodes any text; a lone surrogate (not encodable) goes as U+FFFD, as a browser would send it. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function idFor(kind: 'customer' | 'contact' | 'business', ids: FuzzIds) {
  const own = kind === 'customer' ? ids.customerId : kind === 'contact' ? ids.contactId : ids.businessId;
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: nastyText.map((t) => enc(t).slice(0, 600) || 'x') },
  );
}

/** Mostly-valid bodies, so writes succeed (and conflict) too, not only fail validation. */
const plausible = fc
  .record({
    name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    email: fc.emailAddress(),
    phone: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    role: fc.option(fc.constantFrom('Billing', 'CFO', null), { nil: undefined }),
    is_primary: fc.option(fc.boolean(), { nil: undefined }),
    status: fc.option(fc.constantFrom('active', 'inactive', 'blocked'), { nil: undefined }),
    credit_limit_cents: fc.option(fc.nat(), { nil: undefined }),
  })
  .map((o) => JSON.stringify(o));

const body = fc.oneof(
  { weight: 4, arbitrary: plausible },
  {
    weight: 5,
    arbitrary: fc.dictionary(fc.constantFrom(...BODY_KEYS), jsonish, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: jsonish.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname,email\nA,a@b.io\n--b--\r\n',
      '--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nname,email\n',
      'name,email\nA,a@b.io\n',
    ),
  },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'multipart/form-data; boundary=b',
  'multipart/form-data',
  'text/csv',
  'application/x-www-form-urlencoded',
  undefined,
);

/** A random request against every route, with headers that are mostly right and sometimes not. */
export function requestArbitrary(ids: FuzzIds, headers: Record<string, string>): fc.Arbitrary<InjectOptions> {
  return fc
    .record({
      route: fc.constantFrom(...PATHS),
      customer: idFor('customer', ids),
      contact: idFor('contact', ids),
      business: idFor('business', ids),
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS, 'x'), nastyText), { maxLength: 5 }),
      auth: fc.oneof(
        { weight: 6, arbitrary: fc.constant(headers) },
        { weight: 1, arbitrary: fc.constant({} as Record<string, string>) },
        {
          weight: 1,
          arbitrary: fc.record({
            authorization: fc.oneof(
              fc.constant(headers.authorization as string),
              nastyText.map((t) => `Bearer ${t}`),
            ),
            'x-business-id': nastyText.filter((t) => /^[\x20-\x7e]*$/.test(t)),
          }),
        },
      ),
      email: fc.option(
        nastyText.filter((t) => /^[\x20-\x7e]*$/.test(t)),
        { nil: undefined },
      ),
      idempotencyKey: fc.option(
        fc.oneof(
          fc.constantFrom('k1', 'k2', 'k3'),
          nastyText.filter((t) => /^[\x20-\x7e]*$/.test(t)),
        ),
        { nil: undefined, freq: 2 },
      ),
      body: fc.option(body, { nil: undefined, freq: 3 }),
      contentType,
    })
    .map((r) => {
      const [method, template] = r.route.split(' ') as [string, string];
      const path = template
        .replace('{customer}', r.customer)
        .replace('{contact}', r.contact)
        .replace('{business}', r.business);
      const qs = r.query.map(([k, v]) => `${k}=${enc(v)}`).join('&');
      const h: Record<string, string> = { ...r.auth };
      if (r.email !== undefined) h['x-user-email'] = r.email;
      if (r.idempotencyKey !== undefined) h['idempotency-key'] = r.idempotencyKey;
      if (r.contentType !== undefined && r.body !== undefined) h['content-type'] = r.contentType;
      return {
        method: method as InjectOptions['method'],
        url: qs ? `${path}?${qs}` : path,
        headers: h,
        ...(r.body !== undefined && method !== 'GET' ? { payload: r.body } : {}),
      };
    });
}

/**
 * What every response must be: below 500, and a `{"detail": …}` body when it is an error —
 * or, on /mcp, a JSON-RPC error body (contract §8).
 */
export function responseProblem(status: number, body: string, url = ''): string | null {
  if (status >= 500) return `${status} ${body.slice(0, 200)}`;
  if (status >= 400) {
    try {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const rpc = url.split('?')[0] === '/mcp' && parsed.jsonrpc === '2.0' && typeof parsed.error === 'object';
      if (!('detail' in parsed) && !rpc) return `${status} without detail: ${body.slice(0, 200)}`;
    } catch {
      return `${status} not JSON: ${body.slice(0, 200)}`;
    }
  }
  return null;
}
