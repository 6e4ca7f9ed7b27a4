/**
 * Test mode (contract §7): the `/_test/` control API for integrators' test
 * suites — reset, injected faults, the webhook capture log and flush, the
 * clock. Registered only when the app is built with `testMode`; otherwise the
 * paths do not exist (404) and are not published.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import Type, { type Static } from 'typebox';
import type { Clock } from '../platform/clock.js';
import { InvalidArgumentError } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { component, Nullable, StringEnum, Timestamp } from '../platform/schema.js';
import { toRfc3339 } from '../platform/text.js';
import type { AttemptRecord, WebhookWorker } from '../resources/webhooks/worker.js';
import { HttpError } from './errors.js';
import { deleted, ok } from './responses.js';
import { DeletedEnvelope, Envelope, tokenErrorResponses } from './schemas.js';

export interface TestModeOptions {
  /** What `x-test-key` must equal on every `/_test/` request. */
  key: string;
  /** Puts the rows back as they were after the fixtures (the last step of a reset). */
  resetData: () => Promise<void>;
}

const PREFIX = '/_test/';
/** Attempts the capture log keeps (the oldest are dropped past it). */
const MAX_ATTEMPTS = 10_000;
/** How long a reset waits for the requests in flight. */
const DRAIN_MS = 10_000;

const FaultCreateSchema = Type.Object(
  {
    method: Type.Optional(StringEnum(['GET', 'POST', 'PUT', 'DELETE'], { description: 'Any method when absent' })),
    path: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'The request path (no query) to match; `*` matches any run of characters, `/` included',
      examples: ['/api/v1/customers*'],
    }),
    status: Type.Optional(
      Type.Union([Type.Literal(429), Type.Literal(500), Type.Literal(503)], {
        description: "Answer this status in the API's own shape (429 and 503 with Retry-After: 1) instead of running",
      }),
    ),
    delay_ms: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 60_000, description: 'Hold the request this long first' }),
    ),
    reset_connection: Type.Optional(
      Type.Boolean({ description: 'Destroy the connection instead of answering (after any delay)' }),
    ),
    count: Type.Integer({ minimum: 1, maximum: 10_000, description: 'How many matching requests meet the fault' }),
  },
  component('TestFaultCreateRequest'),
);
type FaultCreate = Static<typeof FaultCreateSchema>;

const FaultSchema = Type.Object(
  {
    id: Type.String(),
    method: Nullable(Type.String()),
    path: Type.String(),
    status: Nullable(Type.Integer()),
    delay_ms: Nullable(Type.Integer()),
    reset_connection: Type.Boolean(),
    remaining: Type.Integer({ description: 'Matching requests still to meet it' }),
  },
  component('TestFaultResponse'),
);
type Fault = Static<typeof FaultSchema>;

const AttemptSchema = Type.Object(
  {
    endpoint_id: Type.String(),
    url: Type.String(),
    headers: Type.Record(Type.String(), Type.String(), { description: 'As sent, signature included' }),
    body: Type.String({ description: 'The request body as sent (JSON text)' }),
    status: Nullable(Type.Integer(), { description: "The receiver's status; 204 for `capture:`" }),
    error: Nullable(Type.String(), { description: 'Why no status came (refused, timed out, connection failed)' }),
    attempted_at: Timestamp,
  },
  component('TestWebhookAttemptResponse'),
);

const ClockRequestSchema = Type.Object(
  { advance_seconds: Type.Number({ minimum: 0, maximum: 3_153_600_000, description: 'Seconds to move now forward' }) },
  component('TestClockRequest'),
);
const NowSchema = Type.Object({ now: Timestamp }, component('TestClockResponse'));
const FlushSchema = Type.Object(
  { attempts: Type.Integer({ description: 'Attempts made while the flush ran' }) },
  component('TestWebhookFlushResponse'),
);

/** A path pattern with `*` as a regular expression over the whole path. */
function globRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The state test mode holds and resets: armed faults, the attempts log, requests in flight. */
export class TestControl {
  private readonly faults: (Fault & { re: RegExp })[] = [];
  private attempts: AttemptRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly done = new WeakMap<FastifyRequest, () => void>();

  constructor(
    readonly opts: TestModeOptions,
    readonly clock: Clock,
  ) {}

  /** The webhook worker's attempt observer. */
  readonly record = (attempt: AttemptRecord): void => {
    this.attempts.push(attempt);
    if (this.attempts.length > MAX_ATTEMPTS) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPTS);
  };

  attemptLog(): readonly AttemptRecord[] {
    return this.attempts;
  }

  arm(input: FaultCreate): Fault {
    if (input.status === undefined && input.delay_ms === undefined && input.reset_connection !== true) {
      throw new InvalidArgumentError('status', 'or delay_ms or reset_connection: true is needed', null);
    }
    const fault = {
      id: uuidv7(),
      method: input.method ?? null,
      path: input.path,
      status: input.status ?? null,
      delay_ms: input.delay_ms ?? null,
      reset_connection: input.reset_connection === true,
      remaining: input.count,
    };
    this.faults.push({ ...fault, re: globRegExp(input.path) });
    return fault;
  }

  armed(): Fault[] {
    return this.faults.map(({ re: _re, ...fault }) => fault);
  }

  disarm(): void {
    this.faults.length = 0;
  }

  /** The first armed fault matching the request, spent once; none for `/_test/` paths. */
  private take(method: string, path: string): Fault | undefined {
    if (path.startsWith(PREFIX)) return undefined;
    const i = this.faults.findIndex((f) => (f.method === null || f.method === method) && f.re.test(path));
    const fault = this.faults[i];
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(i, 1);
    return fault;
  }

  /** Applies a matching fault to the request (preParsing: after authentication, before the body and handler). */
  async apply(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const fault = this.take(request.method, request.url.split('?')[0] ?? '');
    if (!fault) return;
    if (fault.delay_ms !== null) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms ?? 0));
    if (fault.reset_connection) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    if (fault.status === 429) throw new HttpError(429, 'Too many requests', { 'retry-after': '1' });
    if (fault.status === 503) throw new HttpError(503, 'Service unavailable', { 'retry-after': '1' });
    if (fault.status === 500) throw new HttpError(500, 'Internal Server Error');
  }

  started(request: FastifyRequest): void {
    if (request.url.startsWith(PREFIX)) return;
    let finish = () => {};
    const p = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.inFlight.add(p);
    this.done.set(request, () => {
      this.inFlight.delete(p);
      finish();
    });
  }

  finished(request: FastifyRequest): void {
    this.done.get(request)?.();
    this.done.delete(request);
  }

  /** Resolves when the requests in flight now have finished (or after a bound: a client that never ends one). */
  async drain(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Everything but the rows and the caches the app owns: faults, the attempts log, the clock. */
  clear(): void {
    this.disarm();
    this.attempts = [];
    this.clock.reset();
  }
}

/**
 * The faults' hooks and the in-flight count: registered after authentication and the rate
 * limit (a fault never hides a 401, a real 429 comes first) and before idempotency and the
 * handler (a status fault has no effect and leaves no idempotency record).
 */
export const testFaults = fp<{ control: TestControl }>(
  async (app, { control }) => {
    app.addHook('onRequest', async (request) => control.started(request));
    app.addHook('onResponse', async (request) => control.finished(request));
    app.addHook('onRequestAbort', async (request) => control.finished(request));
    app.addHook('preParsing', async (request, reply) => {
      await control.apply(request, reply);
    });
  },
  { name: 'test-faults', dependencies: ['authentication'] },
);

function keyMatches(given: string | string[] | undefined, key: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(key).digest();
  return timingSafeEqual(a, b);
}

/** What a reset clears besides the control's own state (the app's caches, the webhook queue, the rows). */
export interface ResetParts {
  forgetCachedAuth: () => void;
  /** The rate limit's counters and the failed authentications' (none without a rate limit). */
  resetRateLimits: () => void;
  worker: WebhookWorker;
  /** Whether the worker delivers in the background (then it starts again after a reset). */
  delivering: boolean;
}

/** The `/_test/` routes: public to authentication, guarded by `x-test-key`. */
export function testRoutes(control: TestControl, parts: ResetParts) {
  return async (app: FastifyInstance) => {
    const tags = ['test-mode'];
    app.addHook('onRequest', async (request) => {
      if (!keyMatches(request.headers['x-test-key'], control.opts.key)) {
        throw new HttpError(401, 'Not authenticated');
      }
    });
    app.addHook('onRoute', (route) => {
      // In place: the route table's onRoute hook (which ran first) keeps a reference to this object.
      route.config ??= {};
      route.config.access = 'public';
    });
    const errors = tokenErrorResponses();

    app.post(
      '/_test/reset',
      {
        schema: {
          operationId: 'test_reset',
          summary: 'Reset to the fixtures',
          description:
            'Waits for the requests in flight, then clears the auth cache, rate-limit counters, armed faults, the webhook capture log and queue and the clock, and puts every row back as the fixtures made it.',
          tags,
          security: [{ TestKey: [] }],
          response: { 200: Envelope(NowSchema), ...errors },
        },
      },
      async () => {
        await control.drain();
        await parts.worker.stop();
        control.clear();
        parts.forgetCachedAuth();
        parts.resetRateLimits();
        await control.opts.resetData();
        control.clear(); // attempts a stopping worker recorded meanwhile
        if (parts.delivering) parts.worker.start();
        return ok({ now: toRfc3339(control.clock.iso()) }, 'Test state reset');
      },
    );

    app.post(
      '/_test/faults',
      {
        schema: {
          operationId: 'test_arm_fault',
          summary: 'Arm a fault',
          description:
            'The next `count` requests matching `method` and `path` (after authentication, before the handler; never `/_test/` ones) are answered `status`, delayed by `delay_ms`, or have their connection reset.',
          tags,
          security: [{ TestKey: [] }],
          body: FaultCreateSchema,
          response: { 201: Envelope(Type.Object({ id: Type.String() }, component('TestFaultCreated'))), ...errors },
        },
      },
      async (req, reply) => {
        const fault = control.arm(req.body as FaultCreate);
        return reply.code(201).send(ok({ id: fault.id }, 'Fault armed', 'CREATED'));
      },
    );

    app.get(
      '/_test/faults',
      {
        schema: {
          operationId: 'test_list_faults',
          summary: 'List armed faults',
          tags,
          security: [{ TestKey: [] }],
          response: { 200: Envelope(Type.Array(FaultSchema, component('TestFaultList'))), ...errors },
        },
      },
      async () => ok(control.armed(), 'Faults retrieved'),
    );

    app.delete(
      '/_test/faults',
      {
        schema: {
          operationId: 'test_clear_faults',
          summary: 'Clear every armed fault',
          tags,
          security: [{ TestKey: [] }],
          response: { 200: DeletedEnvelope, ...errors },
        },
      },
      async () => {
        control.disarm();
        return deleted('Faults cleared');
      },
    );

    app.get(
      '/_test/webhooks',
      {
        schema: {
          operationId: 'test_list_webhook_attempts',
          summary: 'Webhook attempts since the last reset',
          description:
            'Every attempt to every endpoint (`capture:` or not), oldest first: what was sent and what came back.',
          tags,
          security: [{ TestKey: [] }],
          response: { 200: Envelope(Type.Array(AttemptSchema, component('TestWebhookAttemptList'))), ...errors },
        },
      },
      async () => ok(control.attemptLog(), 'Webhook attempts retrieved'),
    );

    app.post(
      '/_test/webhooks/flush',
      {
        schema: {
          operationId: 'test_flush_webhooks',
          summary: 'Attempt every pending delivery now',
          description:
            'Every due or scheduled delivery is attempted now, once; answers when they have been. A failed one is scheduled again by the clock.',
          tags,
          security: [{ TestKey: [] }],
          response: { 200: Envelope(FlushSchema), ...errors },
        },
      },
      async () => {
        const before = control.attemptLog().length;
        await parts.worker.flush();
        return ok({ attempts: control.attemptLog().length - before }, 'Webhooks flushed');
      },
    );

    app.post(
      '/_test/clock',
      {
        schema: {
          operationId: 'test_advance_clock',
          summary: 'Move the clock forward',
          description:
            'Moves the server’s now forward for every rule about time: token, invitation and idempotency-key expiry, retention, the webhook schedule. Reset returns it to real time.',
          tags,
          security: [{ TestKey: [] }],
          body: ClockRequestSchema,
          response: { 200: Envelope(NowSchema), ...errors },
        },
      },
      async (req) => {
        control.clock.advance((req.body as Static<typeof ClockRequestSchema>).advance_seconds);
        return ok({ now: toRfc3339(control.clock.iso()) }, 'Clock advanced');
      },
    );
  };
}
