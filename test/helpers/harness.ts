import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { type AppOptions, buildApp } from '../../src/http/app.js';
import type { Db, Queryable, QueryOptions, QueryResult } from '../../src/platform/db/db.js';
import { migrate, migrationsDigest } from '../../src/platform/db/migrate.js';
import { openDb } from '../../src/platform/db/open.js';
import { PgliteDb } from '../../src/platform/db/pglite.js';
import { PostgresDb } from '../../src/platform/db/postgres.js';
import { cursorSecret } from '../../src/platform/settings.js';
import type { Role } from '../../src/resources/businesses/roles.js';
import { createBusiness } from '../../src/resources/businesses/service.js';
import { addMember } from '../../src/resources/members/service.js';
import { ContractChecker } from './contract.js';

/** Which backend this run uses: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite. */
export const BACKEND = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface Harness {
  db: Db;
  app: FastifyInstance;
  /** Every response `call()` receives is checked against the app's published OpenAPI document. */
  contract?: Promise<ContractChecker>;
  /** The fresh database's URL (PostgreSQL only). */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/** Creates a fresh, empty database on the test server and returns its URL and a dropper. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `customers_api_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function admin<T>(baseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A fresh database, already migrated: a copy of a template database that is
 * migrated once per schema (named by the migrations' digest, so a changed
 * migration makes a new one) and shared by every test file of every run.
 * Copying a template takes milliseconds; migrating takes far longer.
 */
export async function migratedPostgresDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const template = `customers_api_test_tpl_${migrationsDigest()}`;
  const name = `customers_api_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(baseUrl, async (c) => {
    // Session lock: test processes starting together build the template once.
    await c.query('SELECT pg_advisory_lock(7310447202)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        const building = `${template}_${process.pid}`;
        await c.query(`DROP DATABASE IF EXISTS ${building}`);
        await c.query(`CREATE DATABASE ${building}`);
        const db = new PostgresDb({ connectionString: withDatabase(baseUrl, building), max: 1 });
        try {
          await migrate(db);
        } finally {
          await db.close();
        }
        await c.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
      }
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(7310447202)');
    }
  });
  return {
    url: withDatabase(baseUrl, name),
    drop: () => admin(baseUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

let pgliteTemplate: Promise<Blob> | undefined;

/**
 * A migrated embedded database to start each test's from: made once per
 * schema and kept as a file in the system's temp directory, so test processes
 * load it instead of initialising and migrating a database each.
 */
function migratedPgliteDump(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const file = join(tmpdir(), `customers-api-test-pglite-${migrationsDigest()}.tar`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      const db = await PgliteDb.open();
      try {
        await migrate(db);
        const dump = await db.dump();
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
        renameSync(partial, file); // atomic: a reader sees the whole file or none
        return dump;
      } finally {
        await db.close();
      }
    }
  })();
  return pgliteTemplate;
}

/**
 * A new embedded data directory holding a migrated, empty database (copied from
 * the template: seconds faster than a server creating one), for tests that
 * start a server or the CLI on a data directory.
 */
export async function migratedDataDir(prefix = 'customers-api-'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = await PgliteDb.open(dir, { from: await migratedPgliteDump() });
  await db.close();
  return dir;
}

/** A fresh, migrated, empty database of the run's backend, and how to drop it. */
export async function freshMigratedDb(
  poolMax = 10,
): Promise<{ db: Db; databaseUrl: string | undefined; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const fresh = await migratedPostgresDatabase(base);
    // Through a transaction-mode pooler (test/pgbouncer.test.ts) when one is given: databases are
    // made and dropped directly, the app's connections go through it.
    const pooled = process.env.TEST_POOLER_URL;
    const url = pooled ? withDatabase(pooled, new URL(fresh.url).pathname.slice(1)) : fresh.url;
    const db = await openDb({ databaseUrl: url, poolMax, pooler: pooled ? 'transaction' : 'none' });
    return { db, databaseUrl: url, drop: fresh.drop };
  }
  const db = await PgliteDb.open(undefined, { from: await migratedPgliteDump() });
  await migrate(db);
  return { db, databaseUrl: undefined, drop: async () => {} };
}

/** A fresh database (migrated) and the app on it. */
export async function setup(
  opts: {
    wrapDb?: (db: Db) => Db;
    bodyLimit?: number;
    authCacheTtlMs?: number;
    requestTimeoutMs?: number;
    logger?: AppOptions['logger'];
    rateLimit?: AppOptions['rateLimit'];
    webhooks?: AppOptions['webhooks'];
    testMode?: AppOptions['testMode'];
    publicUrl?: string;
    exportLinkTtlMs?: number;
    mcpAllowedOrigins?: AppOptions['mcpAllowedOrigins'];
  } = {},
): Promise<Harness> {
  const { db: raw, databaseUrl, drop } = await freshMigratedDb();
  const db = opts.wrapDb ? opts.wrapDb(raw) : raw;
  const app = await buildApp({
    db,
    cursorSecret: await cursorSecret(raw),
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    authCacheTtlMs: opts.authCacheTtlMs,
    requestTimeoutMs: opts.requestTimeoutMs,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
    ...(opts.webhooks ? { webhooks: opts.webhooks } : {}),
    ...(opts.testMode ? { testMode: opts.testMode } : {}),
    ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
    ...(opts.exportLinkTtlMs ? { exportLinkTtlMs: opts.exportLinkTtlMs } : {}),
    ...(opts.mcpAllowedOrigins ? { mcpAllowedOrigins: opts.mcpAllowedOrigins } : {}),
  });
  return {
    db: raw,
    app,
    databaseUrl,
    async close() {
      await app.close();
      await raw.close();
      await drop();
    },
  };
}

let counter = 0;
export function unique(prefix = 'x'): string {
  counter++;
  return `${prefix}${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
}

export interface Tenant {
  businessId: string;
  ownerEmail: string;
  ownerToken: string;
  /** Headers of the owner. */
  headers: Record<string, string>;
  /** Headers of a new member with `role`. */
  as(role: Role): Promise<Record<string, string>>;
  /** A new member with `role`: who they are, their token and headers. */
  member(role: Role): Promise<TestMember>;
}

export interface TestMember {
  userId: string;
  email: string;
  token: string;
  tokenId: string;
  headers: Record<string, string>;
}

/** Adds a new user to a business as the operator would (the CLI), with a token of their own. */
export async function addTestMember(h: Harness, businessId: string, role: Role, email?: string): Promise<TestMember> {
  const r = await addMember(h.db, {
    businessId,
    user: { email: email ?? `${unique(role)}@example.com` },
    role,
    actor: null,
    ifMember: 'conflict',
    token: 'new-member',
  });
  if (!r.token) throw new Error('a new member gets a token');
  return {
    userId: r.member.user_id,
    email: r.member.email,
    token: r.token.token,
    tokenId: r.token.token_id,
    headers: authHeaders(r.token.token, businessId),
  };
}

export function authHeaders(token: string, businessId: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-business-id': businessId };
}

/** A new business with its owner: every test makes its own tenant. */
export async function tenant(h: Harness): Promise<Tenant> {
  const ownerEmail = `${unique('owner')}@example.com`;
  const b = await createBusiness(h.db, { name: unique('Business '), ownerEmail });
  return {
    businessId: b.business_id,
    ownerEmail,
    ownerToken: b.token,
    headers: authHeaders(b.token, b.business_id),
    async as(role: Role) {
      return (await addTestMember(h, b.business_id, role)).headers;
    },
    member: (role: Role) => addTestMember(h, b.business_id, role),
  };
}

export interface Json {
  status: number;
  body: any;
  res: LightMyRequestResponse;
}

export async function call(h: Harness, opts: InjectOptions): Promise<Json> {
  const res = await h.app.inject(opts);
  h.contract ??= ContractChecker.of(h.app);
  const url = typeof opts.url === 'string' ? opts.url : String(opts.path ?? '');
  (await h.contract).check(
    opts.method ?? 'GET',
    url,
    res.statusCode,
    res.headers['content-type'] as string | undefined,
    res.body,
  );
  let body: unknown;
  try {
    body = res.body === '' ? undefined : JSON.parse(res.body);
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, res };
}

export async function createCustomer(h: Harness, t: Tenant, body: Record<string, unknown> = {}): Promise<any> {
  const r = await call(h, {
    method: 'POST',
    url: '/api/v1/customers',
    headers: t.headers,
    payload: { name: unique('Customer '), email: `${unique('c')}@example.com`, ...body },
  });
  if (r.status !== 201) throw new Error(`create customer: ${r.status} ${r.res.body}`);
  return r.body.data;
}

export async function createContact(
  h: Harness,
  t: Tenant,
  customerId: string,
  body: Record<string, unknown> = {},
): Promise<any> {
  const r = await call(h, {
    method: 'POST',
    url: `/api/v1/customers/${customerId}/contacts`,
    headers: t.headers,
    payload: { name: unique('Contact '), ...body },
  });
  if (r.status !== 201) throw new Error(`create contact: ${r.status} ${r.res.body}`);
  return r.body.data;
}

/** A Db that counts the statements run through it (transactions count their statements). */
export function countingDb(db: Db): Db & { count: number } {
  const counted = {
    count: 0,
    kind: db.kind,
    query<R>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<R>> {
      counted.count++;
      return db.query<R>(text, params, opts);
    },
    exec(text: string) {
      counted.count++;
      return db.exec(text);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return db.transaction((tx) =>
        fn({
          query<R>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
            counted.count++;
            return tx.query<R>(text, params, opts);
          },
          exec(text: string) {
            counted.count++;
            return tx.exec(text);
          },
        }),
      );
    },
    close: () => db.close(),
  };
  return counted;
}

export const RFC3339_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A multipart/form-data body with one file part. */
export function multipart(
  content: string | Buffer,
  opts: { field?: string; filename?: string; contentType?: string } = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----customers-api-test-${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${opts.filename ?? 'customers.csv'}"\r\nContent-Type: ${opts.contentType ?? 'text/csv'}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * Polls `probe` until it gives something truthy, and resolves to it; fails naming `what`
 * after `ms`. For what a server promises to do soon (a delivery, a replica catching up).
 */
export async function until<T>(what: string, probe: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
