import type { Db } from '../../platform/db/db.js';
import { InvalidArgumentError } from '../../platform/errors.js';
import { uuidv7 } from '../../platform/ids.js';
import { query, sql } from '../../platform/sql.js';
import { foldCase, searchKey } from '../../platform/text.js';
import { requireBusiness } from '../businesses/service.js';

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Linus',
  'Radia',
  'Tim',
  'Sophie',
  'Hedy',
  'John',
  'Katherine',
  'Dennis',
  'Lynn',
  'Guido',
  'Anita',
  'Óscar',
  'Zoë',
  'Chloé',
  'Mateo',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Torvalds',
  'Perlman',
  'Berners-Lee',
  'Wilson',
  'Lamarr',
  'McCarthy',
  'Johnson',
  'Ritchie',
  'Conway',
  'van Rossum',
  'Borg',
  'de la Cruz',
  "O'Neil",
  'smith',
  'Ng',
];
const COMPANY_A = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Gringotts',
  'Oscorp',
  'Pied Piper',
  'Aperture',
  'Black Mesa',
  'Monarch',
  'Dunder',
  'Sterling',
];
const COMPANY_B = [
  'Corp',
  'Industries',
  'Holdings',
  'Labs',
  'Logistics',
  'Foods',
  'Systems',
  'Partners',
  'Trading',
  'Group',
];
const ROLES = ['Billing', 'Accounts Payable', 'Finance', 'CFO', 'Operations', 'Procurement', 'Owner', null];
const STATUSES = ['active', 'active', 'active', 'inactive', 'blocked'];

/** A small deterministic PRNG so seeded data is reproducible from a seed number. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export interface SeedOptions {
  businessId: string;
  customers: number;
  contactsPerCustomer: number;
  /** When set, each customer gets a random number of contacts from contactsPerCustomer to this. */
  maxContactsPerCustomer?: number;
  seed?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  customers: number;
  contacts: number;
  customer_ids: string[];
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/**
 * Realistic demo data, inserted in batches (one INSERT … SELECT FROM unnest per
 * table per batch) inside one transaction per batch.
 */
export async function seed(db: Db, opts: SeedOptions): Promise<SeedResult> {
  if (!Number.isInteger(opts.customers) || opts.customers < 0 || opts.customers > 10_000_000) {
    throw new InvalidArgumentError('customers', 'must be an integer from 0 to 10000000', opts.customers);
  }
  if (
    !Number.isInteger(opts.contactsPerCustomer) ||
    opts.contactsPerCustomer < 0 ||
    opts.contactsPerCustomer > 1_000_000
  ) {
    throw new InvalidArgumentError(
      'contacts_per_customer',
      'must be an integer from 0 to 1000000',
      opts.contactsPerCustomer,
    );
  }
  await requireBusiness(db, opts.businessId);

  const rand = rng(opts.seed ?? Date.now());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const batchRows = opts.batchSize ?? 2000;
  const maxContacts = Math.max(opts.maxContactsPerCustomer ?? opts.contactsPerCustomer, opts.contactsPerCustomer);
  const total = Math.round(opts.customers * (1 + (opts.contactsPerCustomer + maxContacts) / 2));
  let contacts = 0;
  const tag = uuidv7().slice(-6);
  let done = 0;
  const ids: string[] = [];
  // Ages spread over the last year, so created_at sorts are realistic (with some ties).
  const age = () => Math.floor(rand() * 365 * 24 * 3600);

  // Column arrays of the current batch, bound as unnest() parameters.
  const columns = <K extends string>(...names: K[]) =>
    Object.fromEntries(names.map((n) => [n, [] as unknown[]])) as Record<K, unknown[]>;
  const cust = columns('id', 'name', 'nk', 'sk', 'email', 'ek', 'phone', 'credit', 'status', 'age', 'count');
  const con = columns('cid', 'id', 'name', 'nk', 'email', 'ek', 'phone', 'role', 'rk', 'primary', 'age');

  const flush = async () => {
    const nCust = cust.id.length;
    const nCon = con.id.length;
    if (nCust + nCon === 0) return;
    await db.transaction(async (tx) => {
      if (nCust > 0) {
        await query(
          tx,
          sql`INSERT INTO customers (business_id, id, name, name_key, search_key, email, email_key, phone, credit_limit_cents,
                                  status, contact_count, created_at, updated_at)
           SELECT ${opts.businessId}, u.id, u.name, u.nk, u.sk, u.email, u.ek, u.phone, u.credit, u.status, u.cnt,
                  now() - make_interval(secs => u.age), now() - make_interval(secs => u.age / 2)
             FROM unnest(${cust.id}::uuid[], ${cust.name}::text[], ${cust.nk}::text[], ${cust.email}::text[],
                         ${cust.ek}::text[], ${cust.phone}::text[], ${cust.credit}::bigint[], ${cust.status}::text[],
                         ${cust.count}::int[], ${cust.age}::int[], ${cust.sk}::text[])
                  AS u(id, name, nk, email, ek, phone, credit, status, cnt, age, sk)`,
        );
      }
      if (nCon > 0) {
        await query(
          tx,
          sql`INSERT INTO contacts (business_id, customer_id, id, name, name_key, email, email_key, phone, role, role_key,
                                 is_primary, created_at, updated_at)
           SELECT ${opts.businessId}, u.cid, u.id, u.name, u.nk, u.email, u.ek, u.phone, u.role, u.rk, u.isp,
                  now() - make_interval(secs => u.age), now() - make_interval(secs => u.age / 3)
             FROM unnest(${con.cid}::uuid[], ${con.id}::uuid[], ${con.name}::text[], ${con.nk}::text[],
                         ${con.email}::text[], ${con.ek}::text[], ${con.phone}::text[], ${con.role}::text[],
                         ${con.rk}::text[], ${con.primary}::bool[], ${con.age}::int[])
                  AS u(cid, id, name, nk, email, ek, phone, role, rk, isp, age)`,
        );
        // Counts move with the rows, in the same transaction: an interrupted seed leaves them exact.
        await query(
          tx,
          sql`UPDATE customers c SET contact_count = c.contact_count + x.n
             FROM (SELECT cid, count(*)::int AS n FROM unnest(${con.cid}::uuid[]) AS cid GROUP BY cid) x
            WHERE c.business_id = ${opts.businessId} AND c.id = x.cid`,
        );
      }
    });
    done += nCust + nCon;
    for (const arr of [...Object.values(cust), ...Object.values(con)]) arr.length = 0;
    opts.onProgress?.(Math.min(done, total), total);
  };

  for (let i = 0; i < opts.customers; i++) {
    const id = uuidv7();
    ids.push(id);
    const name = `${pick(COMPANY_A)} ${pick(COMPANY_B)}${rand() < 0.3 ? ` ${Math.floor(rand() * 900 + 100)}` : ''}`;
    const email = `billing+${tag}${i}@${slug(name)}.example`;
    cust.id.push(id);
    cust.name.push(name);
    cust.nk.push(foldCase(name));
    cust.sk.push(searchKey(name));
    cust.email.push(email);
    cust.ek.push(foldCase(email));
    cust.phone.push(rand() < 0.8 ? `+1 555 ${String(Math.floor(rand() * 10_000_000)).padStart(7, '0')}` : null);
    cust.credit.push(rand() < 0.7 ? String(Math.floor(rand() * 5_000_000) * 100) : null);
    cust.status.push(pick(STATUSES));
    cust.age.push(age());
    cust.count.push(0);
    const n = opts.contactsPerCustomer + Math.floor(rand() * (maxContacts - opts.contactsPerCustomer + 1));
    contacts += n;
    for (let j = 0; j < n; j++) {
      const cname = `${pick(FIRST)} ${pick(LAST)}`;
      const cemail = rand() < 0.85 ? `${slug(cname)}${j}@${slug(name)}.example` : null;
      const role = pick(ROLES);
      con.cid.push(id);
      con.id.push(uuidv7());
      con.name.push(cname);
      con.nk.push(foldCase(cname));
      con.email.push(cemail);
      con.ek.push(foldCase(cemail));
      con.phone.push(rand() < 0.6 ? `+1 555 ${String(Math.floor(rand() * 10_000_000)).padStart(7, '0')}` : null);
      con.role.push(role);
      con.rk.push(foldCase(role));
      con.primary.push(j === 0);
      con.age.push(age());
      if (cust.id.length + con.id.length >= batchRows) await flush();
    }
    if (cust.id.length + con.id.length >= batchRows) await flush();
  }
  await flush();
  opts.onProgress?.(total, total);
  return { customers: opts.customers, contacts, customer_ids: ids };
}
