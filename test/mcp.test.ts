import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../src/http/app.js';
import { relay } from '../src/mcp/relay.js';
import type { Db, Queryable } from '../src/platform/db/db.js';
import { PgliteDb } from '../src/platform/db/pglite.js';
import { UnavailableError } from '../src/platform/errors.js';
import { cursorSecret } from '../src/platform/settings.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { BIN } from './helpers/cli.js';
import {
  authHeaders,
  BACKEND,
  call,
  createContact,
  createCustomer,
  type Harness,
  migratedDataDir,
  setup,
  type Tenant,
  tenant,
  unique,
} from './helpers/harness.js';

/** Statements on customers fail while `down` is set (the database away for the tools, not for the token lookup). */
const outage = { down: false };
function flaky(db: Db): Db {
  const check = (text: string) => {
    if (outage.down && /\bcustomers\b/.test(text)) throw new UnavailableError();
  };
  return {
    kind: db.kind,
    async query(text, params) {
      check(text);
      return await db.query(text, params);
    },
    exec: (text) => db.exec(text),
    transaction: (fn, opts) =>
      db.transaction(
        (tx: Queryable) =>
          fn({
            async query(text, params) {
              check(text);
              return await tx.query(text, params);
            },
            exec: (text) => tx.exec(text),
          }),
        opts,
      ),
    close: () => db.close(),
  } as Db;
}

let h: Harness;
let url: URL;
const clients: Client[] = [];

before(async () => {
  h = await setup({ wrapDb: flaky });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = h.app.server.address() as { port: number };
  url = new URL(`http://127.0.0.1:${address.port}/mcp`);
});
after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  // The clients' idle keep-alive connections would hold the close up until they time out.
  h?.app.server.closeAllConnections();
  await h?.close();
});

/** The SDK's own client over Streamable HTTP, with these headers. */
async function connect(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  clients.push(client);
  return client;
}

type Result = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: any };

async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Result> {
  return (await client.callTool({ name, arguments: args })) as Result;
}

/** A successful call's structuredContent (fails, showing the refusal, otherwise). */
async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const r = await tool(client, name, args);
  assert.ok(!r.isError, `${name}: ${r.content[0]?.text}`);
  assert.ok(typeof r.content[0]?.text === 'string' && r.content[0].text.length > 0, 'a short text too');
  return r.structuredContent;
}

const textOf = (r: Result) => r.content[0]?.text ?? '';

describe('MCP over Streamable HTTP', () => {
  let t: Tenant;
  let owner: Client;
  before(async () => {
    t = await tenant(h);
    owner = await connect(t.headers);
  });

  test('lists the eleven tools, their schemas the REST API’s own, with annotations', async () => {
    const { tools } = await owner.listTools();
    assert.deepEqual(
      tools.map((x) => x.name),
      [
        'list_businesses',
        'search_customers',
        'get_customer',
        'create_customer',
        'update_customer',
        'delete_customer',
        'list_contacts',
        'create_contact',
        'update_contact',
        'delete_contact',
        'list_events',
      ],
    );
    const doc = JSON.parse((await h.app.inject({ url: '/openapi.json' })).body);
    const byName = new Map(tools.map((x) => [x.name, x]));
    const strip = (s: unknown) => JSON.parse(JSON.stringify(s, (k, v) => (k.startsWith('x-') ? undefined : v)));
    // The create tool's fields are the create body's, as the OpenAPI document publishes it.
    const create = byName.get('create_customer');
    const body = doc.components.schemas.CustomerCreateRequest;
    for (const [field, schema] of Object.entries(body.properties)) {
      const published = strip(schema);
      const mine = strip(create?.inputSchema.properties?.[field]);
      if (published.$ref) continue; // the status enum is a named component there
      assert.deepEqual(mine, published, field);
    }
    assert.deepEqual(create?.inputSchema.required, ['name', 'email']);
    assert.deepEqual(
      Object.keys(create?.outputSchema?.properties ?? {}),
      Object.keys(doc.components.schemas.CustomerResponse.properties),
    );
    const search = byName.get('search_customers');
    for (const p of ['business_id', 'search', 'status', 'cursor', 'limit', 'sort_by', 'direction'])
      assert.ok(search?.inputSchema.properties?.[p], `search_customers takes ${p}`);
    assert.deepEqual(search?.annotations?.readOnlyHint, true);
    assert.equal(byName.get('delete_customer')?.annotations?.destructiveHint, true);
    assert.equal(byName.get('create_contact')?.annotations?.readOnlyHint, false);
    for (const x of tools) {
      assert.equal(x.inputSchema.type, 'object', x.name);
      assert.equal(x.outputSchema?.type, 'object', x.name);
      assert.equal(typeof x.annotations?.readOnlyHint, 'boolean', x.name);
      const writes = !x.annotations?.readOnlyHint && x.name !== 'list_businesses';
      assert.equal(Boolean(x.inputSchema.properties?.idempotency_key), writes, `${x.name}: idempotency_key`);
    }
  });

  test('each tool answers what its REST twin answers (same ids, same fields)', async () => {
    const rest = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: object) => {
      const r = await call(h, { method, url: path, headers: t.headers, ...(payload ? { payload } : {}) });
      assert.ok(r.status < 300, `${method} ${path}: ${r.res.body}`);
      return r.body.data;
    };
    assert.deepEqual(await ok(owner, 'list_businesses'), await rest('GET', '/api/v1/businesses'));

    const email = `${unique('mcp')}@example.com`;
    const created = await ok(owner, 'create_customer', { name: ' Globex ', email, credit_limit_cents: 500 });
    const viaRest = await rest('POST', '/api/v1/customers', { name: 'Initech', email: `${unique('r')}@example.com` });
    assert.deepEqual(Object.keys(created).sort(), Object.keys(viaRest).sort());
    assert.equal(created.name, 'Globex', 'trimmed as REST trims');
    assert.deepEqual(created, await rest('GET', `/api/v1/customers/${created.id}`));

    const updated = await ok(owner, 'update_customer', { customer_id: created.id, notes: 'via MCP', phone: null });
    assert.equal(updated.notes, 'via MCP');
    assert.deepEqual(updated, await rest('GET', `/api/v1/customers/${created.id}`));

    const contact = await ok(owner, 'create_contact', {
      customer_id: created.id,
      name: 'Jane Billing',
      email: 'jane@globex.example',
      role: 'Billing',
      is_primary: true,
    });
    assert.deepEqual(contact, await rest('GET', `/api/v1/customers/${created.id}/contacts/${contact.id}`));
    const changed = await ok(owner, 'update_contact', {
      customer_id: created.id,
      contact_id: contact.id,
      phone: '+1 555 0100',
    });
    assert.deepEqual(changed, await rest('GET', `/api/v1/customers/${created.id}/contacts/${contact.id}`));
    assert.deepEqual(
      await ok(owner, 'list_contacts', { customer_id: created.id }),
      await rest('GET', `/api/v1/customers/${created.id}/contacts`),
    );
    assert.deepEqual(
      await ok(owner, 'get_customer', { customer_id: created.id }),
      await rest('GET', `/api/v1/customers/${created.id}`),
    );
    assert.deepEqual(
      await ok(owner, 'search_customers', { search: 'globex', sort_by: 'relevance', limit: 5 }),
      await rest('GET', '/api/v1/customers?search=globex&sort_by=relevance&limit=5'),
    );
    assert.deepEqual(
      await ok(owner, 'list_events', { object_id: created.id, limit: 10 }),
      await rest('GET', `/api/v1/events?object_id=${created.id}&limit=10`),
    );

    const other = await createContact(h, t, created.id);
    assert.deepEqual(await ok(owner, 'delete_contact', { customer_id: created.id, contact_id: other.id }), {
      id: other.id,
      deleted: true,
    });
    assert.equal(
      (await call(h, { url: `/api/v1/customers/${created.id}/contacts/${other.id}`, headers: t.headers })).status,
      404,
    );
    assert.deepEqual(await ok(owner, 'delete_customer', { customer_id: created.id }), {
      id: created.id,
      deleted: true,
    });
    assert.equal((await rest('GET', `/api/v1/customers/${created.id}`)).is_deleted, true);
  });

  test("a write's event is in GET /api/v1/events", async () => {
    const c = await ok(owner, 'create_customer', { name: 'Evented', email: `${unique('ev')}@example.com` });
    const r = await call(h, { url: `/api/v1/events?type=customer.created&object_id=${c.id}`, headers: t.headers });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.items.length, 1);
    assert.equal(r.body.data.items[0].data.object.id, c.id);
  });

  test('a cursor walk through search_customers visits every customer once', async () => {
    const mine = await tenant(h);
    const client = await connect(mine.headers);
    const made = new Set<string>();
    for (let i = 0; i < 7; i++) made.add((await createCustomer(h, mine)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const p = await ok(client, 'search_customers', { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...p.items.map((c: { id: string }) => c.id));
      if (!p.has_next) break;
      cursor = p.next_cursor;
    }
    assert.equal(seen.length, 7);
    assert.deepEqual(new Set(seen), made);
  });

  test('a viewer is refused a write, as a tool error naming the role needed', async () => {
    const viewer = await connect(await t.as('viewer'));
    const r = await tool(viewer, 'create_customer', { name: 'Nope', email: `${unique('v')}@example.com` });
    assert.equal(r.isError, true);
    assert.match(
      textOf(r),
      /^403: Not enough permissions \(create_customer needs the role member, admin, owner; yours here is viewer\)/,
    );
    assert.ok(!(await tool(viewer, 'search_customers')).isError, 'a viewer reads');
  });

  test("another business's customer id → not found; a business_id argument wins over the header, membership checked", async () => {
    const other = await tenant(h);
    const theirs = await createCustomer(h, other);
    const r = await tool(owner, 'get_customer', { customer_id: theirs.id });
    assert.equal(r.isError, true);
    assert.equal(textOf(r), '404: Customer not found');
    const named = await tool(owner, 'get_customer', { customer_id: theirs.id, business_id: other.businessId });
    assert.match(textOf(named), /^403: Not enough permissions .*not a member/);
    const second = await createBusiness(h.db, { name: unique('Second '), ownerEmail: t.ownerEmail });
    const listed = await ok(owner, 'search_customers', { business_id: second.business_id });
    assert.deepEqual(listed.items, []);
  });

  test('no business → a tool error listing the caller’s businesses', async () => {
    const bare = await connect({ authorization: `Bearer ${t.ownerToken}` });
    const r = await tool(bare, 'search_customers');
    assert.equal(r.isError, true);
    assert.match(textOf(r), /^422: business_id: Field required/);
    assert.ok(textOf(r).includes(t.businessId), textOf(r));
    assert.ok(!(await tool(bare, 'search_customers', { business_id: t.businessId })).isError);
  });

  test('invalid arguments → isError naming each field, with the REST messages', async () => {
    const body = { name: '', email: 'not-an-email', credit_limit_cents: -1 };
    const r = await tool(owner, 'create_customer', body);
    assert.equal(r.isError, true);
    const restAnswer = await call(h, { method: 'POST', url: '/api/v1/customers', headers: t.headers, payload: body });
    assert.equal(restAnswer.status, 422);
    const expected = restAnswer.body.detail.map(
      (i: { loc: string[]; msg: string }) => `${i.loc.slice(1).join('.')}: ${i.msg}`,
    );
    assert.equal(textOf(r), `422: ${expected.join('; ')}`);
    assert.match(textOf(r), /name: String should have at least 1 character/);
    const limit = await tool(owner, 'search_customers', { limit: 0 });
    assert.equal(textOf(limit), '422: limit: Input should be greater than or equal to 1');
    const relevance = await tool(owner, 'search_customers', { sort_by: 'relevance' });
    assert.match(textOf(relevance), /^422: sort_by: Input should be/);
    const cursor = await tool(owner, 'search_customers', { cursor: 'garbage' });
    assert.match(textOf(cursor), /^422: cursor: /);
  });

  test('an idempotency_key replays the first answer; reused for other arguments → 422', async () => {
    const args = { name: 'Once', email: `${unique('once')}@example.com`, idempotency_key: unique('key') };
    const first = await ok(owner, 'create_customer', args);
    const again = await ok(owner, 'create_customer', args);
    assert.equal(again.id, first.id);
    const events = await call(h, { url: `/api/v1/events?object_id=${first.id}`, headers: t.headers });
    assert.equal(events.body.data.items.length, 1, 'one effect');
    const other = await tool(owner, 'create_customer', { ...args, name: 'Twice' });
    assert.match(textOf(other), /^422: idempotency_key: /);
  });

  test('the database away → a tool error saying to retry; the server carries on', async () => {
    outage.down = true;
    try {
      const r = await tool(owner, 'search_customers');
      assert.equal(r.isError, true);
      assert.match(textOf(r), /^503: .*retry/);
    } finally {
      outage.down = false;
    }
    assert.ok(!(await tool(owner, 'search_customers')).isError);
  });

  test('resource templates (no listing), the customer resource, the prompt', async () => {
    const c = await createCustomer(h, t, { name: 'Resourceful' });
    await createContact(h, t, c.id, { name: 'Bill Payer', role: 'Billing' });
    assert.deepEqual((await owner.listResources()).resources, []);
    const templates = (await owner.listResourceTemplates()).resourceTemplates.map((x) => x.uriTemplate);
    assert.deepEqual(templates, [
      'customers://{business_id}/customers/{customer_id}',
      'customers://{business_id}/bulk-upload-template',
    ]);
    const read = await owner.readResource({ uri: `customers://${t.businessId}/customers/${c.id}` });
    const json = JSON.parse(String((read.contents[0] as { text: string }).text));
    const restAnswer = await call(h, { url: `/api/v1/customers/${c.id}`, headers: t.headers });
    assert.deepEqual(json, restAnswer.body.data);
    const csv = await owner.readResource({ uri: `customers://${t.businessId}/bulk-upload-template` });
    assert.match(String((csv.contents[0] as { text: string }).text), /^name,email/);
    const stranger = await tenant(h);
    await assert.rejects(owner.readResource({ uri: `customers://${stranger.businessId}/customers/${c.id}` }), /403/);
    const { prompts } = await owner.listPrompts();
    assert.deepEqual(
      prompts.map((p) => p.name),
      ['find_billing_contact'],
    );
    const prompt = await owner.getPrompt({ name: 'find_billing_contact', arguments: { customer: 'Resourceful' } });
    assert.match(JSON.stringify(prompt.messages), /search_customers[\s\S]*get_customer/);
  });

  test('each role, each tool: refused exactly where the REST twin refuses; a business not the caller’s → 403', async () => {
    const c = await createCustomer(h, t, { name: 'Roles' });
    const contact = await createContact(h, t, c.id);
    const email = () => `${unique('role')}@example.com`;
    // A tool call and the REST request of its twin, for the same caller.
    const twins: [string, () => Record<string, unknown>, (id: string) => Omit<InjectOptions, 'headers'>][] = [
      ['search_customers', () => ({}), () => ({ url: '/api/v1/customers' })],
      ['get_customer', () => ({ customer_id: c.id }), () => ({ url: `/api/v1/customers/${c.id}` })],
      ['list_contacts', () => ({ customer_id: c.id }), () => ({ url: `/api/v1/customers/${c.id}/contacts` })],
      ['list_events', () => ({ limit: 1 }), () => ({ url: '/api/v1/events?limit=1' })],
      [
        'create_customer',
        () => ({ name: 'R', email: email() }),
        () => ({ method: 'POST', url: '/api/v1/customers', payload: { name: 'R', email: email() } }),
      ],
      [
        'update_customer',
        () => ({ customer_id: c.id, notes: 'r' }),
        () => ({ method: 'PUT', url: `/api/v1/customers/${c.id}`, payload: { notes: 'r' } }),
      ],
      [
        'create_contact',
        () => ({ customer_id: c.id, name: 'R' }),
        () => ({ method: 'POST', url: `/api/v1/customers/${c.id}/contacts`, payload: { name: 'R' } }),
      ],
      [
        'update_contact',
        () => ({ customer_id: c.id, contact_id: contact.id, role: 'r' }),
        () => ({ method: 'PUT', url: `/api/v1/customers/${c.id}/contacts/${contact.id}`, payload: { role: 'r' } }),
      ],
    ];
    for (const role of ['viewer', 'member', 'admin', 'owner'] as const) {
      const headers = await t.as(role);
      const client = await connect(headers);
      for (const [name, args, restOf] of twins) {
        const viaRest = await call(h, { ...restOf(''), headers } as InjectOptions);
        const viaTool = await tool(client, name, args());
        if (viaRest.status === 403) {
          assert.equal(viaTool.isError, true, `${role} ${name}: REST refused, the tool did not`);
          assert.match(
            textOf(viaTool),
            new RegExp(`^403: Not enough permissions \\(${name} needs the role .*yours here is ${role}\\)`),
          );
        } else {
          assert.ok(viaRest.status < 300, `${role} ${name} via REST: ${viaRest.res.body}`);
          assert.ok(!viaTool.isError, `${role} ${name}: ${textOf(viaTool)}`);
        }
      }
      // The deletes: each on a customer of its own, the tool refused exactly where REST refuses.
      const [one, two] = [await createCustomer(h, t), await createCustomer(h, t)];
      const restDelete = await call(h, { method: 'DELETE', url: `/api/v1/customers/${one.id}`, headers });
      const r = await tool(client, 'delete_customer', { customer_id: two.id });
      if (restDelete.status === 403)
        assert.match(textOf(r), /^403: Not enough permissions \(delete_customer needs the role admin, owner/);
      else {
        assert.equal(restDelete.status, 200, restDelete.res.body);
        assert.deepEqual(r.structuredContent, { id: two.id, deleted: true }, textOf(r));
      }
    }
    // The header names a business the caller is not in, or none that exists: refused, as REST refuses it.
    const stranger = await tenant(h);
    for (const businessId of [stranger.businessId, '00000000-0000-7000-8000-000000000000']) {
      const client = await connect({ authorization: `Bearer ${t.ownerToken}`, 'x-business-id': businessId });
      const r = await tool(client, 'search_customers');
      assert.match(textOf(r), /^403: Not enough permissions \(search_customers needs the role .*not a member/);
      const viaRest = await call(h, { url: '/api/v1/customers', headers: authHeaders(t.ownerToken, businessId) });
      assert.ok(viaRest.status === 403 || viaRest.status === 404, viaRest.res.body);
    }
  });

  test('params outside a method’s schema → JSON-RPC -32602 Invalid params (not an internal error)', async () => {
    const rpc = (body: object) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${t.ownerToken}`,
          'x-business-id': t.businessId,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, ...body }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { id: number; error?: { code: number; message: string } },
      }));
    for (const params of [
      { name: 'search_customers', arguments: false },
      { name: 'search_customers', arguments: [1] },
      { arguments: {} },
    ]) {
      const r = await rpc({ method: 'tools/call', params });
      assert.equal(r.body.id, 7);
      assert.equal(r.body.error?.code, -32602, JSON.stringify(r.body));
      assert.match(r.body.error?.message ?? '', /^Invalid params for tools\/call: params\./);
    }
    const prompt = await rpc({
      method: 'prompts/get',
      params: { name: 'find_billing_contact', arguments: { customer: 5 } },
    });
    assert.equal(prompt.body.error?.code, -32602, JSON.stringify(prompt.body));
    const broken = await rpc({ method: 'resources/read', params: { uri: 'customers://%ZZ/customers/%' } });
    assert.equal(broken.body.error?.code, -32602, JSON.stringify(broken.body));
    assert.match(broken.body.error?.message ?? '', /percent-encoding/);
  });

  test('HTTP refusals: 401 with WWW-Authenticate, 403 for an Origin, 405 for GET and DELETE; JSON-RPC errors', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body,
      });
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const none = await post({}, list);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.deepEqual(await none.json(), { detail: 'Not authenticated' });
    const cookie = await post({ cookie: `session=${t.ownerToken}` }, list);
    assert.equal(cookie.status, 401, 'no cookies');
    await assert.rejects(connect({ authorization: `Bearer dz_${'A'.repeat(43)}` }), /Not authenticated/);
    const auth = { authorization: `Bearer ${t.ownerToken}` };
    const origin = await post({ ...auth, origin: 'http://evil.example' }, list);
    assert.equal(origin.status, 403);
    assert.deepEqual(await origin.json(), { detail: 'Origin not allowed' });
    for (const method of ['GET', 'DELETE']) {
      const r = await fetch(url, { method, headers: auth });
      assert.equal(r.status, 405, method);
      assert.deepEqual(await r.json(), { detail: 'Method Not Allowed' });
    }
    const malformed = await post(auth, '{"jsonrpc":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: number } }).error.code, -32700);
    const batch = await post(auth, `[${list},${list}]`);
    assert.equal(((await batch.json()) as { error: { code: number } }).error.code, -32600);
    const unknown = await tool(owner, 'list_businesses').then(() =>
      owner.callTool({ name: 'no_such_tool', arguments: {} }).catch((err: Error) => err.message),
    );
    assert.match(String(unknown), /Unknown tool|no_such_tool/);
  });
});

describe('MCP and the rate limit', () => {
  test('MCP calls spend the token’s REST budget; over it, 429 {"detail"} on /mcp as on REST', async () => {
    const app = await buildApp({
      db: h.db,
      cursorSecret: await cursorSecret(h.db),
      rateLimit: { perToken: 4, perAddress: 100, windowMs: 60_000 },
    });
    try {
      const t = await tenant(h);
      const mcp = (name: string) =>
        app.inject({
          method: 'POST',
          url: '/mcp',
          headers: { ...t.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } },
        });
      const rest = () => app.inject({ url: '/api/v1/customers', headers: t.headers });
      assert.equal((await rest()).statusCode, 200);
      const first = await mcp('search_customers');
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.headers['ratelimit-remaining'], '2', 'one budget: the REST call counted, and this one');
      assert.equal((await rest()).statusCode, 200);
      assert.equal((await mcp('list_businesses')).statusCode, 200);
      const over = await mcp('search_customers');
      assert.equal(over.statusCode, 429, over.body);
      assert.deepEqual(JSON.parse(over.body), { detail: 'Too many requests' });
      assert.match(String(over.headers['retry-after']), /^\d+$/);
      assert.equal((await rest()).statusCode, 429, 'and REST is over it too');
    } finally {
      await app.close();
    }
  });
});

describe('MCP over stdio: customers-api mcp', () => {
  test('relays to a running server when one answers (the same tools, the server does the work)', async () => {
    const t = await tenant(h);
    const [mine, theirs] = InMemoryTransport.createLinkedPair();
    await relay(mine, url, { authorization: `Bearer ${t.ownerToken}`, 'x-business-id': t.businessId });
    const client = new Client({ name: 'relay-test', version: '1.0.0' });
    await client.connect(theirs);
    try {
      const c = await ok(client, 'create_customer', { name: 'Relayed', email: `${unique('rel')}@example.com` });
      const r = await call(h, { url: `/api/v1/customers/${c.id}`, headers: t.headers });
      assert.equal(r.body.data.name, 'Relayed');
    } finally {
      await client.close();
    }
  });

  test('the spawned command relays to a running server: the REST answers, the server’s refusals', async () => {
    const t = await tenant(h);
    const c = await createCustomer(h, t, { name: 'Relayed Process' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: {
        ...(process.env as Record<string, string>),
        // The server answers there: the command opens no database (none could be opened at this path).
        CUSTOMERS_API_URL: url.origin,
        DATABASE_URL: '',
        DATA_DIR: '/nonexistent/customers-api-mcp-relay',
        CUSTOMERS_API_TOKEN: t.ownerToken,
        CUSTOMERS_API_BUSINESS_ID: t.businessId,
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d) => {
      stderr += d;
    });
    const client = new Client({ name: 'stdio-relay-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      assert.equal((await client.listTools()).tools.length, 11);
      const rest = await call(h, { url: `/api/v1/customers/${c.id}`, headers: t.headers });
      assert.deepEqual(await ok(client, 'get_customer', { customer_id: c.id }), rest.body.data);
      const made = await ok(client, 'create_customer', { name: 'Via Relay', email: `${unique('vr')}@example.com` });
      const events = await call(h, {
        url: `/api/v1/events?type=customer.created&object_id=${made.id}`,
        headers: t.headers,
      });
      assert.equal(events.body.data.items.length, 1, 'the write is an event on the server');
      const other = await tenant(h);
      const theirs = await createCustomer(h, other);
      assert.equal(textOf(await tool(client, 'get_customer', { customer_id: theirs.id })), '404: Customer not found');
      await assert.rejects(
        client.request(
          { method: 'tools/call', params: { name: 'get_customer', arguments: false as never } },
          CallToolResultSchema,
        ),
        (err: { code?: number }) => err.code === -32602,
      );
      assert.match(stderr, /relaying to/);
    } finally {
      await client.close();
    }
  });

  test('one spawned process, in-process on the database: tools, roles, refusals', async () => {
    // The command opens the database itself: PGlite is single-process, so it gets a data directory of its own.
    let env: Record<string, string>;
    let token: string;
    let businessId: string;
    if (BACKEND === 'postgres') {
      const t = await tenant(h);
      token = t.ownerToken;
      businessId = t.businessId;
      env = { DATABASE_URL: h.databaseUrl as string };
    } else {
      const dir = await migratedDataDir('customers-api-mcp-');
      const db = await PgliteDb.open(dir);
      try {
        const b = await createBusiness(db, { name: 'Stdio Co', ownerEmail: `${unique('stdio')}@example.com` });
        token = b.token;
        businessId = b.business_id;
      } finally {
        await db.close();
      }
      env = { DATA_DIR: dir };
    }
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: {
        ...(process.env as Record<string, string>),
        ...env,
        // Nothing listens there: the command works on the database.
        CUSTOMERS_API_URL: 'http://127.0.0.1:9',
        CUSTOMERS_API_TOKEN: token,
        CUSTOMERS_API_BUSINESS_ID: businessId,
      },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d) => {
      stderr += d;
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    try {
      await client.connect(transport);
      assert.equal((await client.listTools()).tools.length, 11);
      const c = await ok(client, 'create_customer', { name: 'Stdio Customer', email: `${unique('s')}@example.com` });
      const found = await ok(client, 'search_customers', { search: 'Stdio Customer' });
      assert.deepEqual(
        found.items.map((x: { id: string }) => x.id),
        [c.id],
      );
      const got = await ok(client, 'get_customer', { customer_id: c.id });
      assert.equal(got.id, c.id);
      const bad = await tool(client, 'create_contact', { customer_id: c.id, name: '' });
      assert.equal(textOf(bad), '422: name: String should have at least 1 character');
      const missing = await tool(client, 'get_customer', { customer_id: '00000000-0000-7000-8000-000000000000' });
      assert.equal(textOf(missing), '404: Customer not found');
      await assert.rejects(
        client.request(
          { method: 'tools/call', params: { name: 'get_customer', arguments: false as never } },
          CallToolResultSchema,
        ),
        (err: { code?: number }) => err.code === -32602,
      );
      assert.match(stderr, /on the database/);
    } finally {
      await client.close();
    }
  });
});
