import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../platform/clock.js';
import type { Db, Queryable } from '../platform/db/db.js';
import { TxDb } from '../platform/db/tx-db.js';
import { UnavailableError } from '../platform/errors.js';
import {
  type Claim,
  type ClaimRef,
  canonicalJson,
  claim,
  complete,
  fingerprint,
  KEY_RE,
  LEASE_MS,
  release,
  renew,
} from '../platform/idempotency.js';
import type { BindServices } from '../services.js';
import { callerOf, requiresCaller } from './access.js';
import { HttpError, isBusinessAnswer, malformedMultipart } from './errors.js';
import { headerIssue } from './validation.js';

/**
 * `Idempotency-Key` on POST routes. A request with a key claims it, then runs
 * its handler with services bound to one transaction (see TxDb) that commits
 * only together with the stored response, in the onSend hook: an effect never
 * exists without its record, and a replay never answers for an effect that did
 * not commit. What is stored is what contract §5.1 lists: a 2xx, or a 4xx the
 * business rules gave (isBusinessAnswer) — never a refusal, a fault or a 5xx.
 * If the outcome cannot be stored, the effect rolls back and the answer
 * becomes 503: the commit happens here, before the status leaves, so no error
 * answer ever stands for an effect that committed.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'refuse': the response carries a secret that must not be stored, so a key is refused (422). */
    idempotency?: 'refuse';
  }
  interface FastifyRequest {
    idempotent?: Running;
  }
}

interface Outcome {
  commit: boolean;
  status?: number;
  body?: string;
}

interface Running {
  ref: ClaimRef;
  decide: (o: Outcome) => void;
  /** Settles when the request's transaction has committed or rolled back. */
  done: Promise<void>;
  finish: () => void;
}

const ROLLBACK = Symbol('rollback');
const RETRY_AFTER_SECONDS = '5';

function inProgress(): HttpError {
  return new HttpError(409, 'A request with this Idempotency-Key is in progress', { 'retry-after': '1' });
}

/** A multipart upload's fingerprint is its file's bytes: read it now, and hand the handler the same bytes. */
async function bufferedUpload(req: FastifyRequest): Promise<Buffer> {
  if (!req.isMultipart()) return Buffer.alloc(0);
  let part: Awaited<ReturnType<typeof req.file>>;
  let bytes: Buffer;
  try {
    part = await req.file();
    if (!part) return Buffer.alloc(0);
    bytes = await part.toBuffer();
  } catch (err) {
    throw malformedMultipart(err);
  }
  const replayed = { ...part, file: Object.assign(Readable.from([bytes]), { truncated: false }) };
  req.file = (async () => replayed) as typeof req.file;
  return Buffer.concat([Buffer.from(`${part.fieldname}\n`), bytes]);
}

class Idempotency {
  /** Keys whose request runs in this process (PGlite serialises transactions: a second one would wait, not see it). */
  private readonly inflight = new Set<string>();
  /**
   * Keys whose request this process answered 503 but could not free (the
   * database was away): a retry that finds one still running frees it first,
   * so a client retrying after an outage gets its answer, not a 409 for a
   * request that already ended.
   */
  private readonly unreleased = new Map<string, Set<ClaimRef>>();

  constructor(
    private readonly db: Db,
    /** Whose now decides a key's expiry. */
    private readonly clock: Clock,
    /** The services whose statements run in the request's transaction (the handler reads them from the request). */
    private readonly bind: BindServices,
  ) {}

  /** Wraps a POST route's handler (called from an onRoute hook). */
  wrap(route: RouteOptions): void {
    const handler = route.handler;
    const idem = this;
    const refuse = route.config?.idempotency === 'refuse';
    const multipart = route.config?.multipart === true;
    route.handler = async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      const raw = req.headers['idempotency-key'];
      if (raw === undefined) return handler.call(this, req, reply);
      return await idem.run(req, reply, raw, { refuse, multipart }, () => handler.call(this, req, reply));
    };
  }

  private async run(
    req: FastifyRequest,
    reply: FastifyReply,
    raw: string | string[],
    opts: { refuse: boolean; multipart: boolean },
    handle: () => unknown,
  ): Promise<unknown> {
    const key = Array.isArray(raw) ? raw.join(', ') : raw;
    if (opts.refuse) {
      throw headerIssue(
        'idempotency-key',
        'value_error',
        'Value error, this endpoint answers with a secret, which is never stored: send it without Idempotency-Key',
        key,
        { error: 'not accepted here' },
      );
    }
    if (!KEY_RE.test(key)) {
      throw headerIssue(
        'idempotency-key',
        'value_error',
        'Value error, an Idempotency-Key is 1 to 255 printable ASCII characters',
        key,
        { error: 'invalid key' },
      );
    }
    const scope = req.tenant ? `b:${req.tenant.businessId}` : `u:${callerOf(req).userId}`;
    const ref = { scope, key };
    const local = `${scope}\n${key}`;
    if (this.inflight.has(local)) throw inProgress();
    this.inflight.add(local);
    let handedOver = false;
    try {
      const body = opts.multipart ? await bufferedUpload(req) : canonicalJson(req.body ?? null);
      const print = fingerprint(req.method, req.url.split('?')[0] ?? '', body);
      const mine: ClaimRef = { ...ref, holder: randomUUID() };
      let claimed: Claim;
      try {
        claimed = await claim(this.db, this.clock, mine, print);
      } catch (err) {
        // The claim may have committed with its answer lost (a failover): free what it may hold.
        await this.release(mine);
        throw err;
      }
      const stale = claimed.kind === 'in_progress' ? [...(this.unreleased.get(local) ?? [])] : [];
      if (stale.length > 0) {
        for (const ref of stale) if (!(await this.tryRelease(ref))) throw new UnavailableError();
        claimed = await claim(this.db, this.clock, mine, print);
      }
      switch (claimed.kind) {
        case 'mismatch':
          throw headerIssue(
            'idempotency-key',
            'value_error',
            'Value error, this Idempotency-Key was used for another request (method, path or body differ)',
            key,
            { error: 'key reused' },
          );
        case 'in_progress':
          throw inProgress();
        case 'replay':
          return reply
            .code(claimed.status)
            .header('idempotent-replayed', 'true')
            .type('application/json; charset=utf-8')
            .send(claimed.body);
        case 'claimed':
          break;
      }
      const tx = await this.open(req, claimed.claim, () => this.inflight.delete(local));
      handedOver = true;
      req.services = this.bind(new TxDb(tx, this.db.kind));
      return await handle();
    } finally {
      if (!handedOver) this.inflight.delete(local);
    }
  }

  /** Opens the request's transaction; it stays open until the onSend hook decides. */
  private async open(req: FastifyRequest, ref: ClaimRef, onFinish: () => void): Promise<Queryable> {
    let decide!: (o: Outcome) => void;
    const decided = new Promise<Outcome>((resolve) => {
      decide = resolve;
    });
    let opened!: (tx: Queryable) => void;
    let failed!: (err: unknown) => void;
    const ready = new Promise<Queryable>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    const done = this.db
      .transaction(async (tx) => {
        opened(tx);
        const outcome = await decided;
        if (!outcome.commit) throw ROLLBACK;
        await complete(tx, ref, outcome.status ?? 200, outcome.body ?? '');
      })
      .catch((err: unknown) => {
        failed(err);
        if (err !== ROLLBACK) throw err;
      });
    done.catch(() => {});
    const heartbeat = setInterval(() => void renew(this.db, ref).catch(() => {}), LEASE_MS / 3);
    heartbeat.unref();
    let finished = false;
    req.idempotent = {
      ref,
      decide,
      done,
      finish: () => {
        if (finished) return;
        finished = true;
        clearInterval(heartbeat);
        onFinish();
      },
    };
    return await ready;
  }

  /**
   * The onSend hook: commit the effect with its response, or roll back and keep
   * or free the key. Resolves to the payload to send: the one given, or a 503's
   * when the outcome could not be stored. Never rejects: an error here would
   * reach Fastify's own error handler, whose body is not the contract's.
   */
  async settle(req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const running = req.idempotent;
    if (!running) return payload;
    req.idempotent = undefined;
    const status = reply.statusCode;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    try {
      if (status >= 200 && status < 300) {
        running.decide({ commit: true, status, body });
        try {
          await running.done;
          return payload;
        } catch (err) {
          await this.release(running.ref);
          return unstored(req, reply, err);
        }
      }
      running.decide({ commit: false });
      await running.done.catch(() => {});
      if (status >= 400 && status < 500 && isBusinessAnswer(reply)) {
        try {
          await complete(this.db, running.ref, status, body);
        } catch (err) {
          await this.release(running.ref);
          return unstored(req, reply, err);
        }
      } else {
        await this.release(running.ref);
      }
      return payload;
    } finally {
      running.finish();
    }
  }

  /**
   * Frees the key for a retry. When the database cannot be reached (an outage:
   * the very case a client retries), it tries again each second while the lease
   * lasts, so the key is free as soon as the database is back, not a lease later.
   * Fenced by the claim: it never frees a key another request has since claimed.
   */
  private async release(ref: ClaimRef): Promise<void> {
    const until = Date.now() + LEASE_MS;
    if (await this.tryRelease(ref)) return;
    const local = `${ref.scope}\n${ref.key}`;
    let refs = this.unreleased.get(local);
    if (!refs) {
      refs = new Set();
      this.unreleased.set(local, refs);
    }
    refs.add(ref);
    const again = () => {
      if (!this.unreleased.get(local)?.has(ref)) return;
      if (Date.now() > until) {
        this.forget(ref);
        return;
      }
      setTimeout(() => void this.tryRelease(ref).then((ok) => ok || again()), 1000).unref();
    };
    again();
  }

  /** One attempt to free a key (fenced by its claim); forgets it as unreleased once done. */
  private async tryRelease(ref: ClaimRef): Promise<boolean> {
    try {
      await release(this.db, ref);
    } catch {
      return false;
    }
    this.forget(ref);
    return true;
  }

  private forget(ref: ClaimRef): void {
    const local = `${ref.scope}\n${ref.key}`;
    const refs = this.unreleased.get(local);
    refs?.delete(ref);
    if (refs?.size === 0) this.unreleased.delete(local);
  }

  /** A request that ended without a response (the onResponse safety net): roll back and free the key. */
  async abandon(req: FastifyRequest): Promise<void> {
    const running = req.idempotent;
    if (!running) return;
    req.idempotent = undefined;
    running.decide({ commit: false });
    await running.done.catch(() => {});
    await this.release(running.ref);
    running.finish();
  }
}

/** The answer to a request whose outcome could not be stored (its effect rolled back): 503, retry with the same key. */
function unstored(req: FastifyRequest, reply: FastifyReply, err: unknown): string {
  req.log.error({ err }, 'idempotency: the outcome could not be stored; the effect was rolled back');
  reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).type('application/json; charset=utf-8');
  return JSON.stringify({ detail: 'Service unavailable', request_id: req.id });
}

/** The POST route's OpenAPI header parameters gain the optional `Idempotency-Key` (documentation only). */
function declareIdempotencyKey(route: { schema?: FastifySchema }): void {
  route.schema ??= {};
  const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as {
    properties?: Record<string, unknown>;
  };
  route.schema.headers = {
    ...headers,
    properties: {
      ...(headers.properties ?? {}),
      'idempotency-key': {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        description:
          'Makes a retry safe: the first request with a key runs, a later one with the same key, method, path and body gets the same answer (header Idempotent-Replayed: true) and does nothing. Kept 24 hours, per business (or per user without x-business-id).',
      },
    },
  };
}

/**
 * Idempotency-Key on every POST route registered after it: the handler is
 * wrapped when the route is registered (so this comes before the routes), the
 * request's services are replaced by the transaction-bound ones for the
 * handler, and the effect commits together with the response it sends, in
 * onSend — or rolls back.
 */
export const idempotency = fp<{ db: Db; clock: Clock; bind: BindServices }>(
  async (app, opts) => {
    const idem = new Idempotency(opts.db, opts.clock, opts.bind);
    app.addHook('onRoute', (route) => {
      const config = route.config ?? {};
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // Keys are scoped to the caller: routes that may have none take none — but one that answers with a secret refuses them too.
      if (methods.includes('POST') && (requiresCaller(config.access) || config.idempotency === 'refuse')) {
        idem.wrap(route);
        if (config.idempotency !== 'refuse') declareIdempotencyKey(route);
      }
    });
    // Callback hooks, answered synchronously for the (usual) request without a key: no promise per request.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (!request.idempotent) return done(null, payload);
      idem.settle(request, reply, payload).then(
        (sent) => done(null, sent),
        (err: Error) => done(err),
      );
    });
    app.addHook('onResponse', (request, _reply, done) => {
      if (!request.idempotent) return done();
      idem.abandon(request).then(
        () => done(),
        () => done(),
      );
    });
  },
  // Keys are scoped by the caller authentication found; the handler's services are replaced, not made.
  { name: 'idempotency', dependencies: ['authentication', 'request-services'] },
);
