import type { Clock } from '../../platform/clock.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Db, Queryable } from '../../platform/db/db.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../platform/errors.js';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { type KeysetRow, listPage, type Page, type PageParams, timestampKey } from '../../platform/list.js';
import { query, queryOne, queryRow, type Sql, sql } from '../../platform/sql.js';
import { toRfc3339 } from '../../platform/text.js';
import { isCapture, resolveTarget, TargetError, type TargetPolicy } from './address.js';
import {
  TEST_EVENT_TYPE,
  type WebhookAttempt,
  type WebhookDeliveryScheduled,
  type WebhookEndpoint,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
  type WebhookEndpointWithSecret,
} from './schemas.js';
import { newSecret } from './sender.js';

/** A webhook_endpoints row: the endpoint's fields as stored (its events as text). */
type EndpointRow = Omit<WebhookEndpoint, 'events'> & { events: string[] };

const COLUMNS = 'id, url, events, description, enabled, created_at';

function toEndpoint(r: EndpointRow): WebhookEndpoint {
  return {
    id: r.id,
    url: r.url,
    events: r.events as WebhookEndpoint['events'],
    description: r.description,
    enabled: r.enabled,
    created_at: toRfc3339(r.created_at) ?? '',
  };
}

/** 422 on the body's `url` when the policy refuses it (checked again at every delivery). */
async function checkUrl(url: string, policy: TargetPolicy): Promise<void> {
  if (isCapture(url, policy)) return;
  try {
    await resolveTarget(url, policy);
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    throw new InvalidArgumentError('url', err.message.replace(/^url /, ''), url);
  }
}

/** `['*']` stands alone: with it, other types say nothing. */
const normalEvents = (events: readonly string[]) => (events.includes('*') ? ['*'] : [...events]);

/**
 * A new endpoint with its secret (shown once). At most `maxEndpoints` per business
 * (every endpoint costs each write of the business a delivery row): counted under a
 * lock on the business's row, so concurrent creates cannot all slip under the limit.
 * Endpoints beyond a lowered limit keep working; only new ones are refused.
 */
export async function createEndpoint(
  db: Db,
  businessId: string,
  input: WebhookEndpointInput,
  policy: TargetPolicy,
  maxEndpoints: number,
): Promise<WebhookEndpointWithSecret> {
  await checkUrl(input.url, policy);
  const secret = newSecret();
  return await db.transaction(async (tx) => {
    await query(tx, sql`SELECT id FROM businesses WHERE id = ${businessId} FOR UPDATE`);
    const counted = await queryRow<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM webhook_endpoints WHERE business_id = ${businessId}`,
    );
    if (counted.n >= maxEndpoints) {
      throw new ConflictError(
        `A business may have at most ${maxEndpoints} webhook endpoints (the server's WEBHOOK_MAX_ENDPOINTS): delete one first`,
      );
    }
    return await insertEndpoint(tx, businessId, input, secret);
  });
}

async function insertEndpoint(
  db: Queryable,
  businessId: string,
  input: WebhookEndpointInput,
  secret: string,
): Promise<WebhookEndpointWithSecret> {
  const row = await queryRow<EndpointRow>(
    db,
    sql`INSERT INTO webhook_endpoints (business_id, id, url, events, description, enabled, secret)
     VALUES (${businessId}, ${uuidv7()}, ${input.url}, ${normalEvents(input.events)}::text[], ${input.description ?? null}, ${input.enabled ?? true}, ${secret}) RETURNING ${sql.raw(COLUMNS)}`,
  );
  return { ...toEndpoint(row), secret };
}

export async function getEndpoint(db: Queryable, businessId: string, id: string): Promise<WebhookEndpoint> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint');
  const row = await queryOne<EndpointRow>(
    db,
    sql`SELECT ${sql.raw(COLUMNS)} FROM webhook_endpoints WHERE business_id = ${businessId} AND id = ${id}`,
  );
  if (!row) throw new NotFoundError('webhook_endpoint');
  return toEndpoint(row);
}

export async function updateEndpoint(
  db: Queryable,
  businessId: string,
  id: string,
  patch: WebhookEndpointPatch,
  policy: TargetPolicy,
): Promise<WebhookEndpoint> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint');
  if (patch.url !== undefined) await checkUrl(patch.url, policy);
  const sets: Sql[] = [];
  if (patch.url !== undefined) sets.push(sql`url = ${patch.url}`);
  if (patch.events !== undefined) sets.push(sql`events = ${normalEvents(patch.events)}::text[]`);
  if (patch.description !== undefined) sets.push(sql`description = ${patch.description}`);
  if (patch.enabled !== undefined) sets.push(sql`enabled = ${patch.enabled}`);
  sets.push(sql`updated_at = now()`);
  const row = await queryOne<EndpointRow>(
    db,
    sql`UPDATE webhook_endpoints SET ${sql.join(sets, ', ')}
      WHERE business_id = ${businessId} AND id = ${id} RETURNING ${sql.raw(COLUMNS)}`,
  );
  if (!row) throw new NotFoundError('webhook_endpoint');
  return toEndpoint(row);
}

/** Deletes an endpoint with its pending deliveries and its log. */
export async function deleteEndpoint(db: Queryable, businessId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint');
  const { rows } = await query(
    db,
    sql`DELETE FROM webhook_endpoints WHERE business_id = ${businessId} AND id = ${id} RETURNING id`,
  );
  if (rows.length === 0) throw new NotFoundError('webhook_endpoint');
}

/** A new secret, shown once; the old one keeps signing beside it for 24 hours. */
export async function rotateSecret(
  db: Queryable,
  clock: Clock,
  businessId: string,
  id: string,
): Promise<WebhookEndpointWithSecret> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint');
  const secret = newSecret();
  const row = await queryOne<EndpointRow>(
    db,
    sql`UPDATE webhook_endpoints
        SET previous_secret = secret, previous_secret_until = ${clock.sql()} + interval '24 hours', secret = ${secret}, updated_at = now()
      WHERE business_id = ${businessId} AND id = ${id} RETURNING ${sql.raw(COLUMNS)}`,
  );
  if (!row) throw new NotFoundError('webhook_endpoint');
  return { ...toEndpoint(row), secret };
}

export async function listEndpoints(
  db: Db,
  codec: CursorCodec,
  businessId: string,
  params: PageParams,
): Promise<Page<WebhookEndpoint>> {
  return await listPage<EndpointRow & KeysetRow, WebhookEndpoint>(db, codec, params, {
    owner: businessId,
    scope: 'webhook_endpoints',
    sortBy: 'created_at',
    key: timestampKey('created_at'),
    from: 'webhook_endpoints t',
    columns: 't.id, t.url, t.events, t.description, t.enabled, t.created_at',
    where: sql`t.business_id = ${businessId}`,
    total: 'count',
    map: toEndpoint,
  });
}

/** The endpoint, which must be enabled to be sent anything by hand (a disabled one is sent nothing). */
async function enabledEndpoint(db: Queryable, businessId: string, id: string): Promise<WebhookEndpoint> {
  const endpoint = await getEndpoint(db, businessId, id);
  if (!endpoint.enabled) throw new ConflictError('The webhook endpoint is disabled: enable it first');
  return endpoint;
}

/**
 * Sends the endpoint one `webhook.test` event (its data: the endpoint), through
 * the same delivery path as every event — signed, retried, logged — but to it
 * alone and not in the feed: the event's body is stored with its delivery.
 */
export async function sendTestEvent(
  db: Db,
  clock: Clock,
  businessId: string,
  id: string,
): Promise<WebhookDeliveryScheduled> {
  const endpoint = await enabledEndpoint(db, businessId, id);
  const eventId = uuidv7();
  const now = clock.iso(); // milliseconds: the contract's microseconds are three zeros more
  const body = JSON.stringify({
    id: eventId,
    type: TEST_EVENT_TYPE,
    created_at: now.replace(/Z$/, '000Z'),
    data: { object: endpoint },
    previous_attributes: null,
  });
  const row = await queryRow<{ id: string }>(
    db,
    sql`INSERT INTO webhook_deliveries (business_id, endpoint_id, id, event_id, event_type, body, next_attempt_at, created_at)
     VALUES (${businessId}, ${endpoint.id}, ${uuidv7()}, ${eventId}, ${TEST_EVENT_TYPE}, ${body}, ${clock.sql()}, ${clock.sql()})
     RETURNING id`,
  );
  return { id: row.id, event_id: eventId };
}

/** What a redelivery resets: pending now, no attempts yet, a fresh window (counted from `created_at`). */
const fresh = (clock: Clock) => {
  const now = clock.sql();
  return sql`state = 'pending', attempts = 0, next_attempt_at = ${now}, created_at = ${now}`;
};

/**
 * Schedules an event again for one endpoint, now, with fresh attempts and a
 * fresh window: an event of the feed (whether or not it was delivered there
 * before), or a test event sent to this endpoint. 404 when the event is gone
 * (past the feed's retention) or never was.
 */
export async function redeliverEvent(
  db: Db,
  clock: Clock,
  businessId: string,
  id: string,
  eventId: string,
): Promise<WebhookDeliveryScheduled> {
  const endpoint = await enabledEndpoint(db, businessId, id);
  if (!isUuid(eventId)) throw new NotFoundError('event');
  const business = sql.param(businessId);
  const ep = sql.param(endpoint.id);
  const event = await queryOne<{ position: string }>(
    db,
    sql`SELECT position::text AS position FROM events WHERE business_id = ${business} AND id = ${eventId}`,
  );
  if (event) {
    const row = await queryRow<{ id: string }>(
      db,
      sql`INSERT INTO webhook_deliveries (business_id, endpoint_id, id, event_position, next_attempt_at, created_at)
       VALUES (${business}, ${ep}, ${uuidv7()}, ${event.position}::bigint, ${clock.sql()}, ${clock.sql()})
       ON CONFLICT (business_id, endpoint_id, event_position) DO UPDATE SET ${fresh(clock)}
       RETURNING id`,
    );
    return { id: row.id, event_id: eventId };
  }
  const own = await queryOne<{ id: string }>(
    db,
    sql`UPDATE webhook_deliveries SET ${fresh(clock)}
      WHERE business_id = ${business} AND endpoint_id = ${ep} AND event_id = ${eventId} AND body IS NOT NULL
      RETURNING id`,
  );
  if (!own) throw new NotFoundError('event');
  return { id: own.id, event_id: eventId };
}

/** An attempt as selected: its fields as stored (timestamps as PostgreSQL writes them). */
type AttemptRow = WebhookAttempt;

function toAttempt(r: AttemptRow): WebhookAttempt {
  return {
    id: r.id,
    event_id: r.event_id,
    event_type: r.event_type,
    attempt: r.attempt,
    status_code: r.status_code,
    error: r.error,
    duration_ms: r.duration_ms,
    next_retry_at: toRfc3339(r.next_retry_at),
    created_at: toRfc3339(r.created_at) ?? '',
  };
}

/** The delivery log of one endpoint: every attempt, newest first by default. */
export async function listAttempts(
  db: Db,
  codec: CursorCodec,
  businessId: string,
  endpointId: string,
  params: PageParams,
): Promise<Page<WebhookAttempt>> {
  if (!isUuid(endpointId)) throw new NotFoundError('webhook_endpoint');
  // The endpoint joins the page's statement: no such endpoint and an empty log are told apart.
  const business = sql.param(businessId);
  const endpoint = sql.param(endpointId);
  return await listPage<AttemptRow & KeysetRow, WebhookAttempt>(db, codec, params, {
    owner: businessId,
    scope: `webhook_attempts:${endpointId}`,
    sortBy: 'created_at',
    key: timestampKey('created_at'),
    from: 'webhook_attempts t',
    columns:
      't.id, t.event_id, t.event_type, t.attempt, t.status_code, t.error, t.duration_ms, t.next_retry_at, t.created_at',
    where: sql`t.business_id = ${business} AND t.endpoint_id = ${endpoint}::uuid`,
    statement: (union, orderBy) =>
      sql`SELECT ${params.includeTotalCount ? sql`(SELECT count(*)::int FROM webhook_attempts a WHERE a.business_id = ${business} AND a.endpoint_id = ${endpoint}::uuid)` : sql`NULL::int`} AS _total, p.*
         FROM webhook_endpoints w
         LEFT JOIN LATERAL ${union} p ON true
        WHERE w.business_id = ${business} AND w.id = ${endpoint}::uuid
        ORDER BY ${orderBy('p')}`,
    onNoRows: () => {
      throw new NotFoundError('webhook_endpoint');
    },
    total: 'column',
    map: toAttempt,
  });
}

/** Deletes up to `batch` delivery attempts, and finished deliveries, older than `days`; resolves to how many. */
export async function purgeWebhookLog(db: Db, clock: Clock, days: number, batch = 1000): Promise<number> {
  const now = sql.param(clock.iso());
  const attempts = await query(
    db,
    sql`DELETE FROM webhook_attempts WHERE (business_id, id) IN
       (SELECT business_id, id FROM webhook_attempts WHERE created_at < ${now}::timestamptz - make_interval(days => ${days}::int) LIMIT ${batch})`,
  );
  const deliveries = await query(
    db,
    sql`DELETE FROM webhook_deliveries WHERE (business_id, id) IN
       (SELECT business_id, id FROM webhook_deliveries
         WHERE state <> 'pending' AND created_at < ${now}::timestamptz - make_interval(days => ${days}::int) LIMIT ${batch})`,
  );
  return Math.max(attempts.rowCount, deliveries.rowCount);
}
