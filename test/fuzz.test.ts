import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { TOOLS } from '../src/mcp/tools.js';
import {
  type ForeignIds,
  FUZZ_ALLOWED_ORIGIN,
  mcpProblem,
  mcpRequestArbitrary,
  requestArbitrary,
  responseProblem,
} from './helpers/fuzz.js';
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
let foreign: ForeignIds;
before(async () => {
  h = await setup({ mcpAllowedOrigins: [FUZZ_ALLOWED_ORIGIN] });
  t = await tenant(h);
  const customer = await createCustomer(h, t);
  const contact = await createContact(h, t, customer.id);
  ids = { customerId: customer.id, contactId: contact.id, businessId: t.businessId };
  const other = await tenant(h);
  const theirs = await createCustomer(h, other);
  const theirContact = await createContact(h, other, theirs.id);
  foreign = { customerId: theirs.id, contactId: theirContact.id, businessId: other.businessId };
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

describe('fuzzing /mcp', () => {
  test('400 random MCP requests: no 5xx, no internal error in a JSON-RPC body, no hang, no other business’s record', async () => {
    const seen = { ok: 0, toolError: 0, rpcError: 0, refused: new Map<number, number>() };
    await fc.assert(
      fc.asyncProperty(mcpRequestArbitrary(ids, foreign, t.headers, TOOLS), async (req) => {
        let timer: NodeJS.Timeout | undefined;
        const res = await Promise.race([
          h.app.inject(req),
          new Promise<null>((resolve) => {
            timer = setTimeout(() => resolve(null), 10_000);
          }),
        ]);
        clearTimeout(timer);
        assert.ok(res, `no answer within 10 s: ${String(req.payload).slice(0, 200)}`);
        const problem = mcpProblem(res.statusCode, res.body, foreign);
        assert.equal(problem, null, `${JSON.stringify(req.headers)} ${String(req.payload).slice(0, 300)}: ${problem}`);
        if (res.statusCode >= 400) seen.refused.set(res.statusCode, (seen.refused.get(res.statusCode) ?? 0) + 1);
        else if (res.body.includes('"error":')) seen.rpcError++;
        else if (res.body.includes('"isError":true')) seen.toolError++;
        else if (res.statusCode === 200) seen.ok++;
      }),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? 20261203) },
    );
    // The generator reaches every kind of answer: results, tool errors, JSON-RPC errors, HTTP refusals.
    const summary = JSON.stringify({ ...seen, refused: [...seen.refused] });
    assert.ok(seen.ok > 0 && seen.toolError > 0 && seen.rpcError > 0, summary);
    for (const status of [400, 401, 403, 406]) assert.ok((seen.refused.get(status) ?? 0) > 0, `${status}: ${summary}`);
  });
});
