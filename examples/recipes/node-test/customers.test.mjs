// node:test: one server per test file (each file runs in a process of its own), reset before each test.
// Run: node --test examples/recipes/node-test/
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, test } from 'node:test';
import { startTestServer } from 'customers-api/testing';

const fixtures = fileURLToPath(new URL('../../fixtures.json', import.meta.url));
let server;

before(async () => {
  server = await startTestServer({ fixtures });
});
after(() => server?.stop());
beforeEach(() => server.reset());

test('the fixtures are there', async () => {
  const page = await server.client.customers.page({ email: 'billing@globex.example' });
  assert.deepEqual(
    page.items.map((c) => c.id),
    ['0190a000-0000-7000-8000-00000000c001'],
  );
});

// Both tests create the same customer: the e-mail is unique, so the second passes only because of the reset.
for (const name of ['creates a customer', 'creates it again after the reset']) {
  test(name, async () => {
    const made = await server.client.customers.create({ name: 'Umbrella', email: 'ap@umbrella.example' });
    assert.equal((await server.client.customers.get(made.id)).email, 'ap@umbrella.example');
  });
}
