import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as openapiTypescript from 'openapi-typescript';
import ts from 'typescript';
import { createContact, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

/**
 * A client generated from the live /openapi.json with openapi-typescript, used
 * through openapi-fetch exactly as a user would: it must compile in strict mode
 * with no casts, carry DayZero's type names, and list a customer's contacts
 * given only the customer id (and the auth headers, given once).
 */
let h: Harness;
let t: Tenant;
let base: string;
let dir: string;
before(async () => {
  h = await setup();
  t = await tenant(h);
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'customers-api-client-'));
  // The generated client resolves openapi-fetch from this repository's dependencies.
  symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(dir, 'node_modules'), 'dir');
});
after(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CLIENT = `import createClient from 'openapi-fetch';
import type { components, paths } from './api.js';

type Contact = components['schemas']['EntityContactResponse'];
type Page = components['schemas']['EntityContactListResponse'];
type Customer = components['schemas']['CustomerResponse'];
type Status = components['schemas']['CounterpartyStatus'];
type Created = components['schemas']['CustomerCreateRequest'];

export async function run(baseUrl: string, token: string, businessId: string, customerId: string) {
  const client = createClient<paths>({
    baseUrl,
    headers: { Authorization: \`Bearer \${token}\`, 'x-business-id': businessId },
  });
  const listed = await client.GET('/api/v1/customers/{customer_id}/contacts', {
    params: { path: { customer_id: customerId } },
  });
  if (listed.error) throw new Error(JSON.stringify(listed.error));
  const page: Page = listed.data.data;
  const names: string[] = page.items.map((c: Contact) => c.name);

  const body: Created = { name: 'Typed Co', email: 'typed@example.com' };
  const created = await client.POST('/api/v1/customers', { body });
  if (created.error) throw new Error(JSON.stringify(created.error));
  const customer: Customer = created.data.data;
  const status: Status = customer.status;

  const missing = await client.GET('/api/v1/customers/{customer_id}', {
    params: { path: { customer_id: '00000000-0000-7000-8000-000000000000' } },
  });
  const detail = missing.error?.detail;
  const notFound: string | undefined = typeof detail === 'string' ? detail : undefined;
  return { names, hasMore: page.has_more, total: page.total, status, notFound, status404: missing.response.status };
}
`;

describe('a client generated from /openapi.json', () => {
  test('compiles with no casts and lists contacts given only the customer id', async () => {
    const customer = await createCustomer(h, t);
    for (const name of ['Ada', 'Grace']) await createContact(h, t, customer.id, { name });

    const spec = JSON.parse(await (await fetch(`${base}/openapi.json`)).text());
    const types = openapiTypescript.astToString(await openapiTypescript.default(spec));
    for (const name of [
      'CustomerCreateRequest',
      'CustomerUpdateRequest',
      'CustomerResponse',
      'CounterpartyStatus',
      'EntityContactCreateRequest',
      'EntityContactUpdateRequest',
      'EntityContactResponse',
      'CustomerContactResponse',
      'CustomerBulkUploadResponse',
      'TemplateResponse',
      'SuccessEnvelope_CustomerResponse_',
      'CustomerListResponse',
      'BusinessCursorListResponse',
      'Role',
      'HTTPValidationError',
      'ValidationError',
    ]) {
      assert.match(types, new RegExp(`\\b${name}: \\{|\\b${name}: "`), `component ${name}`);
    }
    writeFileSync(join(dir, 'api.ts'), types);
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    assert.doesNotMatch(CLIENT, /\bas\b|<any>|: any\b|@ts-/, 'the client needs no casts');

    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
      outDir: join(dir, 'out'),
    });
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );
    assert.deepEqual(diagnostics, [], 'strict compile of the generated client');

    const { run } = await import(pathToFileURL(join(dir, 'out', 'client.js')).href);
    const result = await run(base, t.ownerToken, t.businessId, customer.id);
    assert.deepEqual(result, {
      names: ['Grace', 'Ada'],
      hasMore: false,
      total: null,
      status: 'active',
      notFound: 'Customer not found',
      status404: 404,
    });
  });
});
