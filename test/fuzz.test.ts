import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { requestArbitrary, responseProblem } from './helpers/fuzz.js';
import { call, createContact, createCustomer, type Harness, setup, type Tenant, tenant } from './helpers/harness.js';

/**
 * Random requests across every endpoint, with hostile text, broken bodies and
 * wrong headers: none may answer 5xx, every error is `{"detail": …}`, and every
 * response matches the published document (checked by `call`).
 * `npm run fuzz` runs the same generator for 100,000 requests and more.
 */
let h: Harness;
let t: Tenant;
let ids: { customerId: string; contactId: string; businessId: string };
before(async () => {
  h = await setup();
  t = await tenant(h);
  const customer = await createCustomer(h, t);
  const contact = await createContact(h, t, customer.id);
  ids = { customerId: customer.id, contactId: contact.id, businessId: t.businessId };
});
after(async () => {
  await h?.close();
});

describe('fuzzing every endpoint', () => {
  test('2,000 random requests: no 5xx, contract-shaped bodies', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary(ids, t.headers), async (req) => {
        const r = await call(h, req);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const problem = responseProblem(r.status, r.res.body, String(req.url));
        assert.equal(problem, null, `${req.method} ${req.url}: ${problem}`);
      }),
      { numRuns: 2000, seed: Number(process.env.FUZZ_SEED ?? 20261127) },
    );
    assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(422) ?? 0) > 0, JSON.stringify([...statuses]));
  });
});
