/**
 * Fixtures (`serve --memory --fixtures FILE`, contract §7): businesses, their members
 * with the API tokens given in the file, customers and contacts with the ids given,
 * webhook endpoints with their secrets. The whole file is checked before anything is
 * written; a problem is reported with the JSON path where it is.
 *
 * With `seed`, everything the file leaves out is derived from it: ids, tokens, webhook
 * secrets, and the rows' created_at (a fixed base, one millisecond apart in file
 * order), so the same file gives the same data on every run. Without it they are new
 * each run (created_at from the time of loading, still one millisecond apart).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import type { Db, Queryable } from '../platform/db/db.js';
import { setCursorSecret } from '../platform/db/memory.js';
import { uuidv7 } from '../platform/ids.js';
import { Email, Id, Name, StringEnum } from '../platform/schema.js';
import { type PatchSpec, query, sql } from '../platform/sql.js';
import { foldCase } from '../platform/text.js';
import { compileStrict, type Issue, type JsonSchema, normalizeBody, unstorableText } from '../platform/validation.js';
import { ROLES } from '../resources/businesses/roles.js';
import { ContactCreateSchema } from '../resources/contacts/schemas.js';
import { CONTACT_PATCH } from '../resources/contacts/service.js';
import { CustomerCreateSchema } from '../resources/customers/schemas.js';
import { CUSTOMER_PATCH } from '../resources/customers/service.js';
import { hashToken, MAX_ACTIVE_TOKENS } from '../resources/tokens/service.js';
import { WebhookEndpointCreateSchema } from '../resources/webhooks/schemas.js';
import { newSecret } from '../resources/webhooks/sender.js';

/** The created_at of the first row of seeded fixtures; each next row one millisecond later. */
const SEEDED_BASE = '2025-01-01T00:00:00.000Z';

const FixtureToken = Type.String({
  pattern: '^dz_[A-Za-z0-9_-]{43}$',
  description: 'An API token as the server issues them: dz_ and 43 base64url characters',
});
const FixtureSecret = Type.String({
  pattern: '^whsec_[A-Za-z0-9+/]{24,88}={0,2}$',
  description: 'A Standard Webhooks signing secret: whsec_ and base64 (24 to 64 bytes)',
});
const closed = { additionalProperties: false } as const;

const FixtureContact = Type.Object({ id: Type.Optional(Id), ...ContactCreateSchema.properties }, closed);
const FixtureCustomer = Type.Object(
  {
    id: Type.Optional(Id),
    ...CustomerCreateSchema.properties,
    contacts: Type.Optional(Type.Array(FixtureContact, { maxItems: 1000 })),
  },
  closed,
);
const FixtureMember = Type.Object(
  {
    email: Email,
    role: StringEnum(ROLES),
    tokens: Type.Optional(
      Type.Array(FixtureToken, {
        maxItems: MAX_ACTIVE_TOKENS,
        description: 'Left out: one token is made (from the seed, when there is one); [] for none',
      }),
    ),
  },
  closed,
);
const FixtureEndpoint = Type.Object(
  {
    id: Type.Optional(Id),
    ...WebhookEndpointCreateSchema.properties,
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s)://…, or capture: (recorded, not sent)' }),
    secret: Type.Optional(FixtureSecret),
  },
  closed,
);
const FixtureBusiness = Type.Object(
  {
    id: Type.Optional(Id),
    name: Name,
    members: Type.Array(FixtureMember, { minItems: 1, maxItems: 1000 }),
    customers: Type.Optional(Type.Array(FixtureCustomer, { maxItems: 10_000 })),
    webhook_endpoints: Type.Optional(Type.Array(FixtureEndpoint, { maxItems: 100 })),
  },
  closed,
);
const FixturesSchema = Type.Object(
  {
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    test_key: Type.Optional(Type.String({ minLength: 16, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' })),
    businesses: Type.Array(FixtureBusiness, { maxItems: 1000 }),
  },
  closed,
);
export type Fixtures = Static<typeof FixturesSchema>;
type FixtureCustomerInput = Static<typeof FixtureCustomer>;

/** A fixtures file that cannot be loaded: `fixtures: <JSON path>: <problem>`. */
export class FixturesError extends Error {}

const check = compileStrict(FixturesSchema);

/** `$.businesses[0].members[1].role` */
function jsonPath(loc: readonly (string | number)[]): string {
  return loc.reduce<string>(
    (path, key) =>
      typeof key === 'number'
        ? `${path}[${key}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
          ? `${path}.${key}`
          : `${path}[${JSON.stringify(key)}]`,
    '$',
  );
}

const fail = (loc: readonly (string | number)[], problem: string): never => {
  throw new FixturesError(`fixtures: ${jsonPath(loc)}: ${problem}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Trims and lax-converts fields like a request body is, wherever the file has the right shape. */
function normalize(raw: unknown): void {
  const body = (v: unknown, schema: unknown) => {
    if (isObject(v)) normalizeBody(v, schema as JsonSchema);
  };
  if (!isObject(raw)) return;
  for (const b of items(raw.businesses)) {
    body(b, FixtureBusiness);
    if (!isObject(b)) continue;
    for (const m of items(b.members)) body(m, FixtureMember);
    for (const e of items(b.webhook_endpoints)) body(e, FixtureEndpoint);
    for (const c of items(b.customers)) {
      body(c, FixtureCustomer);
      if (isObject(c)) for (const k of items(c.contacts)) body(k, FixtureContact);
    }
  }
}

const firstIssue = (issues: Issue[]): Issue | undefined =>
  [...issues].sort((a, b) => jsonPath(a.loc).localeCompare(jsonPath(b.loc)))[0];

/** The fixtures in `text` (JSON), checked whole: the first problem throws FixturesError. */
export function parseFixtures(text: string): Fixtures {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return fail([], `not valid JSON: ${(err as Error).message}`);
  }
  normalize(raw);
  const issue = firstIssue([...unstorableText(raw), ...check(raw)]);
  if (issue) fail(issue.loc, issue.msg);
  const fixtures = raw as Fixtures;
  checkConsistency(fixtures);
  return fixtures;
}

/** Reads and checks a fixtures file. */
export function readFixtures(file: string): Fixtures {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FixturesError(
      `fixtures: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseFixtures(text);
}

/** What the schema cannot say: unique ids, tokens and e-mails, an owner each, one primary contact. */
function checkConsistency(f: Fixtures): void {
  const seen = new Map<string, string>();
  const once = (kind: string, value: string, loc: (string | number)[], what = kind) => {
    const key = `${kind}:${value}`;
    const first = seen.get(key);
    if (first !== undefined) fail(loc, `${what} ${JSON.stringify(value)} is also at ${first}`);
    seen.set(key, jsonPath(loc));
  };
  const tokensOf = new Map<string, number>();
  for (const [bi, b] of f.businesses.entries()) {
    const at = ['businesses', bi];
    if (b.id !== undefined) once('id', b.id.toLowerCase(), [...at, 'id'], 'id');
    if (!b.members.some((m) => m.role === 'owner')) fail([...at, 'members'], 'a business needs an owner');
    for (const [mi, m] of b.members.entries()) {
      const user = foldCase(m.email);
      once(`member:${bi}`, user, [...at, 'members', mi, 'email'], 'member');
      const n = (tokensOf.get(user) ?? 0) + (m.tokens?.length ?? 1);
      if (n > MAX_ACTIVE_TOKENS)
        fail([...at, 'members', mi, 'tokens'], `a user has at most ${MAX_ACTIVE_TOKENS} tokens`);
      tokensOf.set(user, n);
      for (const [ti, t] of (m.tokens ?? []).entries()) once('token', t, [...at, 'members', mi, 'tokens', ti]);
    }
    for (const [ci, c] of (b.customers ?? []).entries()) {
      const cat = [...at, 'customers', ci];
      if (c.id !== undefined) once('id', c.id.toLowerCase(), [...cat, 'id'], 'id');
      once(`email:${bi}`, foldCase(c.email), [...cat, 'email'], 'a customer e-mail');
      let primary = false;
      for (const [ki, k] of (c.contacts ?? []).entries()) {
        if (k.id !== undefined) once('id', k.id.toLowerCase(), [...cat, 'contacts', ki, 'id'], 'id');
        if (k.is_primary) {
          if (primary) fail([...cat, 'contacts', ki, 'is_primary'], 'a customer has at most one primary contact');
          primary = true;
        }
      }
    }
    for (const [ei, e] of (b.webhook_endpoints ?? []).entries()) {
      const eat = [...at, 'webhook_endpoints', ei];
      if (e.id !== undefined) once('id', e.id.toLowerCase(), [...eat, 'id'], 'id');
      if (e.url !== 'capture:' && !/^https?:\/\/[^/?#\s]+[^\s]*$/.test(e.url)) {
        fail([...eat, 'url'], 'must be an http:// or https:// URL, or capture:');
      }
    }
  }
}

/** A member as loaded: the tokens that authenticate as them (given, or made here). */
interface LoadedMember {
  user_id: string;
  email: string;
  role: string;
  tokens: string[];
  /** Whether the tokens were made here (none were given in the file). */
  generated: boolean;
}

export interface LoadedFixtures {
  businesses: { id: string; name: string; members: LoadedMember[] }[];
}

/** Where the ids, secrets and times the file leaves out come from: its seed, or chance and the clock. */
class Source {
  private n = 0;
  private readonly base: number;

  constructor(private readonly seed: number | undefined) {
    this.base = seed === undefined ? Date.now() : Date.parse(SEEDED_BASE);
  }

  private bytes(what: string, n: number): Buffer {
    if (this.seed === undefined) return randomBytes(n);
    return createHash('sha256').update(`customers-api fixtures ${this.seed} ${what}`).digest().subarray(0, n);
  }

  /** The next row's creation time, one millisecond after the previous row's. */
  next(): { at: string; ms: number } {
    const ms = this.base + this.n++;
    return { at: new Date(ms).toISOString(), ms };
  }

  /** A UUIDv7 of this row's time: ids sort as the rows were listed. */
  id(ms: number): string {
    if (this.seed === undefined) return uuidv7();
    const hex = this.bytes(`id ${ms}`, 10).toString('hex');
    const time = ms.toString(16).padStart(12, '0');
    const variant = ((Number.parseInt(hex.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
  }

  token(ms: number): string {
    return `dz_${this.bytes(`token ${ms}`, 32).toString('base64url')}`;
  }

  secret(ms: number): string {
    return this.seed === undefined ? newSecret() : `whsec_${this.bytes(`secret ${ms}`, 24).toString('base64')}`;
  }
}

/** The columns a create body's fields set (the API's own update map: one definition of it). */
function columns<I extends object>(input: I, spec: PatchSpec<I>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of Object.keys(spec) as (keyof I)[]) {
    const value = input[field];
    if (value === undefined) continue;
    const derive = spec[field] as Record<string, (v: unknown) => unknown>;
    for (const [name, fn] of Object.entries(derive)) row[name] = fn(value);
  }
  return row;
}

/** Inserts rows (plain objects, column → value) into `table` in one statement. */
async function insertRows(tx: Queryable, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cols = sql.raw(names.join(', '));
  await query(
    tx,
    sql`INSERT INTO ${sql.raw(table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${sql.raw(table)}, ${JSON.stringify(rows)}::json)`,
  );
}

/**
 * Writes the fixtures into an empty database, in one transaction. Fixtures describe
 * the starting state, not changes to it: they record no events (the feed starts empty)
 * and so queue no webhook deliveries.
 */
export async function loadFixtures(db: Db, f: Fixtures): Promise<LoadedFixtures> {
  const src = new Source(f.seed);
  const rows: Record<string, Record<string, unknown>[]> = {
    businesses: [],
    users: [],
    memberships: [],
    api_tokens: [],
    customers: [],
    contacts: [],
    webhook_endpoints: [],
  };
  const add = (table: string, row: Record<string, unknown>) => rows[table]?.push(row);
  const users = new Map<string, string>();
  const loaded: LoadedFixtures = { businesses: [] };
  for (const b of f.businesses) {
    const t = src.next();
    const businessId = b.id ?? src.id(t.ms);
    add('businesses', { id: businessId, name: b.name, name_key: foldCase(b.name), created_at: t.at, updated_at: t.at });
    const members: LoadedMember[] = [];
    for (const m of b.members) {
      const key = foldCase(m.email);
      let userId = users.get(key);
      if (userId === undefined) {
        const u = src.next();
        userId = src.id(u.ms);
        users.set(key, userId);
        add('users', { id: userId, email: m.email, email_key: key, created_at: u.at });
      }
      const mt = src.next();
      add('memberships', { business_id: businessId, user_id: userId, role: m.role, created_at: mt.at });
      const tokens = m.tokens ?? [src.token(mt.ms)];
      for (const token of tokens) {
        const tt = src.next();
        add('api_tokens', {
          id: src.id(tt.ms),
          user_id: userId,
          token_hash: hashToken(token),
          prefix: token.slice(0, 11),
          created_at: tt.at,
        });
      }
      members.push({ user_id: userId, email: m.email, role: m.role, tokens, generated: m.tokens === undefined });
    }
    for (const c of b.customers ?? []) addCustomer(add, src, businessId, c);
    for (const e of b.webhook_endpoints ?? []) {
      const et = src.next();
      add('webhook_endpoints', {
        business_id: businessId,
        id: e.id ?? src.id(et.ms),
        url: e.url,
        events: e.events.includes('*') ? ['*'] : e.events,
        description: e.description ?? null,
        enabled: e.enabled ?? true,
        secret: e.secret ?? src.secret(et.ms),
        created_at: et.at,
        updated_at: et.at,
      });
    }
    loaded.businesses.push({ id: businessId, name: b.name, members });
  }
  await db.transaction(async (tx) => {
    for (const [table, list] of Object.entries(rows)) await insertRows(tx, table, list);
    // Cursors (next_cursor in lists) are signed with it: seeded, they are the same every run too.
    if (f.seed !== undefined) await setCursorSecret(tx, createHash('sha256').update(`cursor ${f.seed}`).digest('hex'));
  });
  return loaded;
}

function addCustomer(
  add: (table: string, row: Record<string, unknown>) => void,
  src: Source,
  businessId: string,
  c: FixtureCustomerInput,
): void {
  const { id, contacts = [], ...input } = c;
  const t = src.next();
  const customerId = id ?? src.id(t.ms);
  add('customers', {
    ...columns({ ...input, status: input.status ?? 'active' }, CUSTOMER_PATCH),
    business_id: businessId,
    id: customerId,
    is_deleted: false,
    contact_count: contacts.length,
    created_at: t.at,
    updated_at: t.at,
  });
  for (const k of contacts) {
    const { id: contactId, ...contact } = k;
    const kt = src.next();
    add('contacts', {
      ...columns({ ...contact, is_primary: contact.is_primary ?? false }, CONTACT_PATCH),
      business_id: businessId,
      customer_id: customerId,
      id: contactId ?? src.id(kt.ms),
      created_at: kt.at,
      updated_at: kt.at,
    });
  }
}
