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

/** Another business's ids: a fuzzed MCP call names them, and no successful answer may carry them. */
export interface ForeignIds {
  customerId: string;
  contactId: string;
  businessId: string;
}

/** An origin the fuzzed server allows (MCP_ALLOWED_ORIGINS); every other one is refused. */
export const FUZZ_ALLOWED_ORIGIN = 'https://assistant.example';

/** Nested arrays and objects deeper than any schema (and than the JSON depth limit). */
const deep = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) },
    { weight: 1, arbitrary: fc.integer({ min: 60, max: 400 }) },
  )
  .chain((n) =>
    fc.constantFrom(
      JSON.parse(`${'['.repeat(n)}1${']'.repeat(n)}`) as unknown,
      JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) as unknown,
    ),
  );

/** An argument's value: the tenant's own ids, another business's, hostile text, wrong types, deep nesting. */
function mcpValue(ids: FuzzIds, foreign: ForeignIds): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(ids.customerId, ids.contactId, ids.businessId) },
    { weight: 4, arbitrary: fc.constantFrom(foreign.customerId, foreign.contactId, foreign.businessId) },
    { weight: 8, arbitrary: jsonish },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(70_000), '\u0000'.repeat(50), '\ud83d'.repeat(10)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, 0.5, -1, 2 ** 31, '1e3', ' 5 ', 'TRUE'),
    },
  );
}

/** A tool's arguments: its own keys (from its input schema) and extra ones, mostly plausible, often hostile. */
function toolArguments(
  tool: { name: string; input: { properties: Record<string, unknown> } },
  ids: FuzzIds,
  foreign: ForeignIds,
) {
  const keys = [...Object.keys(tool.input.properties), 'x', '__proto__', 'constructor', '', '\u0000'];
  const hostile = fc.dictionary(fc.constantFrom(...keys), mcpValue(ids, foreign), { maxKeys: 6 });
  const plausibleArgs = plausible.chain((json) =>
    fc
      .record({
        customer_id: fc.constantFrom(ids.customerId, foreign.customerId),
        contact_id: fc.constantFrom(ids.contactId, foreign.contactId),
        business_id: fc.option(fc.constantFrom(ids.businessId, foreign.businessId), { nil: undefined }),
        idempotency_key: fc.option(fc.constantFrom('m1', 'm2', ''), { nil: undefined }),
      })
      .map((extra) => {
        const out: Record<string, unknown> = { ...(JSON.parse(json) as Record<string, unknown>) };
        for (const [k, v] of Object.entries(extra)) if (v !== undefined && k in tool.input.properties) out[k] = v;
        for (const k of Object.keys(out)) if (!(k in tool.input.properties)) delete out[k];
        return out;
      }),
  );
  return fc.oneof(
    { weight: 3, arbitrary: plausibleArgs },
    { weight: 5, arbitrary: hostile },
    { weight: 1, arbitrary: jsonish },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/**
 * Random `POST /mcp` requests: malformed JSON-RPC (bad JSON, wrong version, batches,
 * no method, unknown methods, notifications), unknown tools, each tool with hostile
 * arguments, resources and prompts with hostile names, and bad or missing `Origin`,
 * `Accept`, `Content-Type` and credentials.
 */
export function mcpRequestArbitrary(
  ids: FuzzIds,
  foreign: ForeignIds,
  headers: Record<string, string>,
  tools: readonly { name: string; input: { properties: Record<string, unknown> } }[],
): fc.Arbitrary<InjectOptions> {
  const toolCall = fc
    .constantFrom(...tools)
    .chain((tool) => toolArguments(tool, ids, foreign).map((args) => ({ name: tool.name, arguments: args })));
  const params = fc.oneof(
    { weight: 14, arbitrary: toolCall.map((p) => ({ method: 'tools/call', params: p as unknown })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ name: nastyText, arguments: fc.option(jsonish, { nil: undefined }) })
        .map((p) => ({ method: 'tools/call', params: p as unknown })),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(jsonish, deep).map((p) => ({ method: 'tools/call', params: p })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            `customers://${ids.businessId}/customers/${ids.customerId}`,
            `customers://${foreign.businessId}/customers/${foreign.customerId}`,
            `customers://${ids.businessId}/customers/${foreign.customerId}`,
            `customers://${ids.businessId}/bulk-upload-template`,
            `customers://${foreign.businessId}/bulk-upload-template`,
            'customers://%ZZ/customers/%',
            'file:///etc/passwd',
          ),
          nastyText.map((t) => `customers://${t}/customers/${t}`),
          nastyText,
        )
        .map((uri) => ({ method: 'resources/read', params: { uri } as unknown })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          name: fc.oneof(fc.constant('find_billing_contact'), nastyText),
          arguments: fc.option(fc.dictionary(fc.constantFrom('customer', 'business_id', 'x'), jsonish), {
            nil: undefined,
          }),
        })
        .map((p) => ({ method: 'prompts/get', params: p as unknown })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          'initialize',
          'tools/list',
          'resources/list',
          'resources/templates/list',
          'prompts/list',
          'ping',
          'notifications/initialized',
          'completion/complete',
          'logging/setLevel',
          'sampling/createMessage',
          'no/such/method',
          '',
        )
        .chain((method) =>
          fc
            .oneof(
              fc.constant(
                method === 'initialize'
                  ? { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'f', version: '1' } }
                  : {},
              ),
              jsonish,
              fc.constant(undefined),
            )
            .map((p) => ({ method, params: p })),
        ),
    },
  );
  const message = fc
    .record({
      call: params,
      id: fc.oneof(
        { weight: 16, arbitrary: fc.integer({ min: 1, max: 1000 }) },
        { weight: 1, arbitrary: fc.oneof(nastyText, fc.constant(null), fc.double(), fc.constant({})) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      jsonrpc: fc.oneof({ weight: 20, arbitrary: fc.constant('2.0' as unknown) }, { weight: 1, arbitrary: jsonish }),
    })
    .map((m) => {
      const out: Record<string, unknown> = { jsonrpc: m.jsonrpc, method: m.call.method };
      if (m.call.params !== undefined) out.params = m.call.params;
      if (m.id !== undefined) out.id = m.id;
      return out;
    });
  const rpcBody = fc.oneof(
    { weight: 10, arbitrary: message.map((m) => JSON.stringify(m)) },
    // Without a method, without a version, an answer instead of a request.
    {
      weight: 1,
      arbitrary: message.map((m) => {
        const { method: _, ...rest } = m;
        return JSON.stringify(rest);
      }),
    },
    { weight: 1, arbitrary: message.map((m) => JSON.stringify({ ...m, jsonrpc: undefined })) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} })) },
    // Batches: empty, one, several.
    {
      weight: 2,
      arbitrary: fc.array(message, { maxLength: 3 }).map((ms) => JSON.stringify(ms)),
    },
    // Broken JSON.
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom('', '{', '{"jsonrpc":', 'null', '[]', '"x"', '{"jsonrpc":"2.0","id":1,"method":"tools/list"'),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n)),
        fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
      ),
    },
  );
  return fc
    .record({
      body: rpcBody,
      auth: fc.oneof(
        { weight: 16, arbitrary: fc.constant(headers) },
        { weight: 1, arbitrary: fc.constant({ authorization: headers.authorization as string }) },
        { weight: 1, arbitrary: fc.constant({} as Record<string, string>) },
        {
          weight: 1,
          arbitrary: fc.record({
            authorization: nastyText.filter((t) => /^[\x20-\x7e]*$/.test(t)).map((t) => `Bearer ${t}`),
            'x-business-id': fc.constant(headers['x-business-id'] as string),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            authorization: fc.constant(headers.authorization as string),
            'x-business-id': fc.oneof(
              fc.constant(foreign.businessId),
              nastyText.filter((t) => /^[\x20-\x7e]*$/.test(t)),
            ),
          }),
        },
      ),
      accept: fc.oneof(
        { weight: 12, arbitrary: fc.constant('application/json, text/event-stream') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            undefined,
            'application/json',
            'text/event-stream',
            '*/*',
            'text/html',
            'application/json;q=0, text/event-stream;q=0',
            '\u00ff',
          ),
        },
      ),
      contentType: fc.oneof(
        { weight: 16, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: contentType },
      ),
      origin: fc.oneof(
        { weight: 10, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            FUZZ_ALLOWED_ORIGIN,
            'http://evil.example',
            'null',
            '',
            `${FUZZ_ALLOWED_ORIGIN}.evil.example`,
            'HTTPS://ASSISTANT.EXAMPLE',
          ),
        },
      ),
      protocolVersion: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.constantFrom('2025-06-18', '2025-03-26') },
        { weight: 1, arbitrary: fc.constantFrom('1999-01-01', 'x', '') },
      ),
      idempotencyKey: fc.oneof(
        { weight: 15, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constant('k1') },
      ),
    })
    .map((r) => {
      const h: Record<string, string> = { ...r.auth };
      if (r.accept !== undefined) h.accept = r.accept;
      if (r.contentType !== undefined) h['content-type'] = r.contentType;
      if (r.origin !== undefined) h.origin = r.origin;
      if (r.protocolVersion !== undefined) h['mcp-protocol-version'] = r.protocolVersion;
      if (r.idempotencyKey !== undefined) h['idempotency-key'] = r.idempotencyKey;
      return { method: 'POST' as const, url: '/mcp', headers: h, payload: r.body };
    });
}

/** Every id-valued field (`id`, `…_id`) anywhere in a value. */
function idValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) idValues(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'id' || k.endsWith('_id')) && typeof v === 'string') out.push(v);
      else idValues(v, out);
    }
  }
  return out;
}

/**
 * What an MCP answer must be, beyond `responseProblem`: no internal error hidden in a
 * JSON-RPC body (an error -32603, or a tool's `"5xx: …"` refusal), and no successful
 * answer (a tool's structuredContent, a resource's JSON) naming another business's records.
 */
export function mcpProblem(status: number, body: string, foreign: ForeignIds): string | null {
  const base = responseProblem(status, body, '/mcp');
  if (base) return base;
  if (status !== 200 || body === '') return null;
  let parsed: {
    result?: {
      isError?: boolean;
      content?: { text?: string }[];
      structuredContent?: unknown;
      contents?: { text?: string }[];
    };
    error?: { code?: number };
  };
  try {
    parsed = JSON.parse(body);
  } catch {
    return `200 not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.error?.code === -32603) return `internal error: ${body.slice(0, 200)}`;
  const result = parsed.result;
  if (!result) return null;
  const text = result.content?.[0]?.text ?? '';
  if (result.isError) return /^5\d\d:/.test(text) ? `tool error ${text.slice(0, 200)}` : null;
  const shown = [result.structuredContent];
  for (const c of result.contents ?? []) {
    try {
      shown.push(JSON.parse(c.text ?? ''));
    } catch {
      // Not JSON (the CSV template).
    }
  }
  const theirs = new Set([foreign.customerId, foreign.contactId, foreign.businessId]);
  const leaked = idValues(shown).find((id) => theirs.has(id));
  return leaked ? `another business's record ${leaked} in an answer: ${body.slice(0, 200)}` : null;
}
