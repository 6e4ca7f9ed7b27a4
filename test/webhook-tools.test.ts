/**
 * Contract §5.3's two hand-operated webhook endpoints: a test event to one endpoint through
 * the same delivery path (not in the feed), and redelivering an event with fresh attempts.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { call, createCustomer, type Harness, setup, type Tenant, tenant, until } from './helpers/harness.js';

/** A webhook receiver on loopback: records every request; `respond` decides each status. */
async function receiver(respond: (n: number) => number = () => 204) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = respond(got.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let h: Harness;
before(async () => {
  h = await setup({
    webhooks: {
      deliver: true,
      allowPrivate: true,
      allowHttp: true,
      pollMs: 20,
      timeoutMs: 2_000,
      retryScheduleMs: [150],
    },
  });
});
after(async () => {
  await h?.close();
});

async function addEndpoint(t: Tenant, url: string, events: string[]) {
  const r = await call(h, {
    method: 'POST',
    url: '/api/v1/webhook-endpoints',
    headers: t.headers,
    payload: { url, events },
  });
  assert.equal(r.status, 201, r.res.body);
  return r.body.data as { id: string; url: string; secret: string };
}

async function attempts(t: Tenant, endpointId: string) {
  const r = await call(h, {
    url: `/api/v1/webhook-endpoints/${endpointId}/deliveries?descending=false`,
    headers: t.headers,
  });
  assert.equal(r.status, 200, r.res.body);
  return r.body.data.items as { event_id: string; event_type: string; attempt: number; status_code: number | null }[];
}

describe('POST /api/v1/webhook-endpoints/{id}/test', () => {
  test('one signed webhook.test event naming the endpoint, to it alone, logged, not in the feed', async () => {
    const t = await tenant(h);
    const rx = await receiver();
    const bystander = await receiver();
    try {
      // Subscribed to another type: a test event goes to the endpoint asked for whatever its filter.
      const ep = await addEndpoint(t, rx.url, ['contact.deleted']);
      const other = await addEndpoint(t, bystander.url, ['*']);
      const r = await call(h, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test`, headers: t.headers });
      assert.equal(r.status, 202, r.res.body);
      const { id, event_id } = r.body.data;
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.notEqual(id, event_id, 'the delivery has an id of its own');
      await until('the test event', () => rx.got.length >= 1);
      const got = rx.got[0];
      assert.ok(got);
      const body = JSON.parse(got.body);
      assert.equal(body.type, 'webhook.test');
      assert.equal(body.id, event_id);
      assert.equal(got.headers['webhook-id'], event_id);
      assert.equal(body.data.object.id, ep.id, 'its data names the endpoint');
      assert.equal(body.data.object.url, rx.url);
      assert.equal(body.previous_attributes, null);
      assert.match(body.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      // Signed like every delivery.
      new Webhook(ep.secret).verify(got.body, got.headers as Record<string, string>);
      // In the log, with its delivery (the body stored there), and nowhere else.
      await until('the attempt logged', async () => (await attempts(t, ep.id)).length === 1);
      const [logged] = await attempts(t, ep.id);
      assert.deepEqual(
        {
          event_id: logged?.event_id,
          event_type: logged?.event_type,
          attempt: logged?.attempt,
          status: logged?.status_code,
        },
        { event_id, event_type: 'webhook.test', attempt: 1, status: 204 },
      );
      const stored = await h.db.query<{ id: string; body: string; state: string }>(
        'SELECT id, body, state FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, ep.id],
      );
      assert.deepEqual(
        stored.rows.map((d) => [d.id, d.state, d.body]),
        [[id, 'succeeded', got.body]],
      );
      const feed = await call(h, { url: '/api/v1/events', headers: t.headers });
      assert.deepEqual(feed.body.data.items, [], 'not in the feed');
      const elsewhere = await h.db.query(
        'SELECT 1 FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, other.id],
      );
      assert.equal(elsewhere.rows.length, 0, 'no delivery to another endpoint');
      assert.equal(bystander.got.length, 0);
    } finally {
      await rx.close();
      await bystander.close();
    }
  });

  test('retried like any delivery when the receiver fails', async () => {
    const t = await tenant(h);
    const rx = await receiver((n) => (n === 1 ? 500 : 204));
    try {
      const ep = await addEndpoint(t, rx.url, ['*']);
      const r = await call(h, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test`, headers: t.headers });
      assert.equal(r.status, 202);
      await until('the retry', () => rx.got.length >= 2);
      assert.equal(rx.got[1]?.body, rx.got[0]?.body, 'the same event again');
      await until('both attempts logged', async () => (await attempts(t, ep.id)).length === 2);
      assert.deepEqual(
        (await attempts(t, ep.id)).map((a) => [a.attempt, a.status_code]),
        [
          [1, 500],
          [2, 204],
        ],
      );
    } finally {
      await rx.close();
    }
  });

  test('a disabled endpoint → 409; another business’s endpoint → 404', async () => {
    const t = await tenant(h);
    const ep = await addEndpoint(t, 'http://127.0.0.1:9/hooks', ['*']);
    const off = await call(h, {
      method: 'PUT',
      url: `/api/v1/webhook-endpoints/${ep.id}`,
      headers: t.headers,
      payload: { enabled: false },
    });
    assert.equal(off.status, 200);
    const r = await call(h, { method: 'POST', url: `/api/v1/webhook-endpoints/${ep.id}/test`, headers: t.headers });
    assert.equal(r.status, 409, r.res.body);
    const other = await tenant(h);
    const foreign = await call(h, {
      method: 'POST',
      url: `/api/v1/webhook-endpoints/${ep.id}/test`,
      headers: other.headers,
    });
    assert.equal(foreign.status, 404);
    assert.deepEqual(foreign.body, { detail: 'Webhook endpoint not found' });
  });
});

describe('POST /api/v1/webhook-endpoints/{id}/deliveries/{event_id}/redeliver', () => {
  test('schedules the event again now, with fresh attempts and a fresh window', async () => {
    const t = await tenant(h);
    const rx = await receiver();
    try {
      const ep = await addEndpoint(t, rx.url, ['customer.created']);
      const c = await createCustomer(h, t);
      await until('the first delivery', () => rx.got.length >= 1);
      const eventId = JSON.parse(rx.got[0]?.body ?? '{}').id as string;
      await until('its attempt logged', async () => (await attempts(t, ep.id)).length === 1);
      const before = await h.db.query<{ created_at: Date | string; id: string }>(
        'SELECT created_at::text AS created_at, id FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, ep.id],
      );
      const r = await call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/deliveries/${eventId}/redeliver`,
        headers: t.headers,
      });
      assert.equal(r.status, 202, r.res.body);
      assert.deepEqual(r.body.data, { id: before.rows[0]?.id, event_id: eventId }, 'the same delivery, again');
      await until('the redelivery', () => rx.got.length >= 2);
      assert.equal(rx.got[1]?.body, rx.got[0]?.body, 'the same event');
      assert.equal(JSON.parse(rx.got[1]?.body ?? '{}').data.object.id, c.id);
      await until('its attempt logged', async () => (await attempts(t, ep.id)).length === 2);
      assert.deepEqual(
        (await attempts(t, ep.id)).map((a) => [a.event_id, a.attempt]),
        [
          [eventId, 1],
          [eventId, 1],
        ],
        'fresh attempts: numbered from 1 again',
      );
      const afterRows = await h.db.query<{ created_at: string; attempts: number }>(
        'SELECT created_at::text AS created_at, attempts FROM webhook_deliveries WHERE business_id = $1 AND endpoint_id = $2',
        [t.businessId, ep.id],
      );
      assert.equal(afterRows.rows.length, 1);
      assert.ok(
        Date.parse(String(afterRows.rows[0]?.created_at)) > Date.parse(String(before.rows[0]?.created_at)),
        'a fresh window (counted from the redelivery)',
      );

      // An event the endpoint never had a delivery for (its filter left it out) is sent too.
      const contact = await call(h, {
        method: 'POST',
        url: `/api/v1/customers/${c.id}/contacts`,
        headers: t.headers,
        payload: { name: 'Filtered out' },
      });
      assert.equal(contact.status, 201);
      const feed = await call(h, { url: '/api/v1/events?type=contact.created', headers: t.headers });
      const contactEvent = feed.body.data.items[0].id as string;
      const again = await call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/deliveries/${contactEvent}/redeliver`,
        headers: t.headers,
      });
      assert.equal(again.status, 202, again.res.body);
      await until('the filtered-out event', () => rx.got.length >= 3);
      assert.equal(JSON.parse(rx.got[2]?.body ?? '{}').id, contactEvent);

      // A test event sent to this endpoint can be redelivered too.
      const sent = await call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/test`,
        headers: t.headers,
      });
      await until('the test event', () => rx.got.length >= 4);
      const retest = await call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/deliveries/${sent.body.data.event_id}/redeliver`,
        headers: t.headers,
      });
      assert.equal(retest.status, 202, retest.res.body);
      assert.equal(retest.body.data.id, sent.body.data.id);
      await until('the test event again', () => rx.got.length >= 5);
      assert.equal(rx.got[4]?.body, rx.got[3]?.body);
    } finally {
      await rx.close();
    }
  });

  test('a purged, unknown or foreign event → 404; a disabled endpoint → 409', async () => {
    const t = await tenant(h);
    const ep = await addEndpoint(t, 'http://127.0.0.1:9/hooks', ['contact.deleted']);
    await createCustomer(h, t);
    const { rows } = await h.db.query<{ id: string }>('SELECT id FROM events WHERE business_id = $1', [t.businessId]);
    const eventId = rows[0]?.id;
    assert.ok(eventId);
    const redeliver = (event: string, who = t) =>
      call(h, {
        method: 'POST',
        url: `/api/v1/webhook-endpoints/${ep.id}/deliveries/${event}/redeliver`,
        headers: who.headers,
      });
    const other = await tenant(h);
    await createCustomer(h, other);
    const { rows: theirs } = await h.db.query<{ id: string }>('SELECT id FROM events WHERE business_id = $1', [
      other.businessId,
    ]);
    for (const event of ['not-a-uuid', '00000000-0000-7000-8000-000000000000', theirs[0]?.id ?? '']) {
      const r = await redeliver(event);
      assert.equal(r.status, 404, event);
      assert.deepEqual(r.body, { detail: 'Event not found' });
    }
    assert.equal((await redeliver(eventId)).status, 202, 'while the event is kept');
    // Past the feed's retention: purged.
    await h.db.query('DELETE FROM events WHERE business_id = $1 AND id = $2', [t.businessId, eventId]);
    const purged = await redeliver(eventId);
    assert.equal(purged.status, 404, purged.res.body);
    assert.deepEqual(purged.body, { detail: 'Event not found' });

    await call(h, {
      method: 'PUT',
      url: `/api/v1/webhook-endpoints/${ep.id}`,
      headers: t.headers,
      payload: { enabled: false },
    });
    assert.equal((await redeliver(eventId)).status, 409);
    assert.equal((await redeliver(eventId, other)).status, 404, "another business's endpoint");
  });
});
