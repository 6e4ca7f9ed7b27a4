/**
 * The search benchmark's dataset: a business with CUSTOMERS customers whose
 * names are varied the way real company names are (coined brand words, family
 * names, places and trade words, in several patterns, with a long tail of rare
 * words and a few very common ones), and a second business full of
 * near-duplicates ("Acme Corp", "ACME Corporation", "Acme Corp. (Leeds)", …),
 * where one word matches almost everything.
 *
 * Deterministic (a seeded PRNG) and written straight to the tables in batches,
 * with the same name, sort and search keys the API would store.
 */
import type { Db } from '../src/platform/db/db.js';
import { uuidv7 } from '../src/platform/ids.js';
import { foldCase, searchKey } from '../src/platform/text.js';
import { createBusiness } from '../src/resources/businesses/service.js';
import { rng } from '../src/resources/customers/seed.js';

const ONSETS = ['b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'kr', 'l', 'm', 'n', 'p'];
const ONSETS2 = ['pr', 'qu', 'r', 's', 'sh', 'sk', 'st', 't', 'tr', 'v', 'w', 'z', 'x', 'y', 'th', 'sp', ''];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou', 'y', 'ae', 'é', 'ö', 'ü'];
const CODAS = ['', '', '', 'n', 'r', 's', 'x', 'l', 'm', 'nd', 'rk', 'st', 'th', 'ck', 'ng', 'lt'];

const TRADES = [
  'Holdings',
  'Industries',
  'Logistics',
  'Foods',
  'Systems',
  'Partners',
  'Trading',
  'Group',
  'Consulting',
  'Services',
  'Solutions',
  'Manufacturing',
  'Distribution',
  'Supply',
  'Builders',
  'Construction',
  'Dental',
  'Medical',
  'Pharmacy',
  'Bakery',
  'Brewing',
  'Coffee',
  'Farms',
  'Textiles',
  'Electric',
  'Plumbing',
  'Roofing',
  'Motors',
  'Auto Parts',
  'Freight',
  'Shipping',
  'Marine',
  'Aviation',
  'Energy',
  'Solar',
  'Analytics',
  'Software',
  'Networks',
  'Media',
  'Studios',
  'Design',
  'Architects',
  'Engineering',
  'Legal',
  'Accounting',
  'Insurance',
  'Capital',
  'Ventures',
  'Realty',
  'Properties',
  'Hospitality',
  'Hotels',
  'Catering',
  'Cleaning',
  'Security',
  'Printing',
  'Packaging',
  'Plastics',
  'Metals',
  'Steel',
  'Timber',
  'Furniture',
  'Outfitters',
  'Apparel',
  'Cosmetics',
  'Pet Supply',
  'Veterinary',
  'Clinic',
  'Labs',
  'Robotics',
  'Biotech',
  'Chemicals',
  'Water',
];
const SUFFIXES = [
  '',
  '',
  '',
  '',
  'Inc',
  'Inc.',
  'LLC',
  'Ltd',
  'Ltd.',
  'GmbH',
  'S.A.',
  'SARL',
  'B.V.',
  'Co.',
  '& Co',
  'PLC',
  'AG',
  'Pty Ltd',
];
const FAMILY = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Laurent',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Kowalski',
  'Nowak',
  'Wiśniewski',
  'Jansen',
  'de Vries',
  'van den Berg',
  'Bakker',
  'Visser',
  'Sato',
  'Suzuki',
  'Takahashi',
  'Tanaka',
  'Watanabe',
  'Kim',
  'Park',
  'Choi',
  'Chen',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Singh',
  'Kumar',
  'Patel',
  'Shah',
  "O'Brien",
  "O'Neil",
  'MacDonald',
  'Fitzgerald',
  'Novak',
  'Horvat',
  'Popescu',
  'Ivanova',
  'Petrov',
  'Andersson',
  'Johansson',
  'Nielsen',
  'Hansen',
  'Virtanen',
  'Korhonen',
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Pereira',
  'Costa',
];
const PLACES = [
  'Northwind',
  'Riverside',
  'Lakeside',
  'Harbor',
  'Summit',
  'Pinecrest',
  'Oakwood',
  'Maple',
  'Cedar',
  'Granite',
  'Silverline',
  'Bluewater',
  'Redwood',
  'Highland',
  'Valley',
  'Coastal',
  'Prairie',
  'Metro',
  'Capital City',
  'Golden Gate',
  'Brooklyn',
  'Boston',
  'Chicago',
  'Denver',
  'Austin',
  'Seattle',
  'Portland',
  'Toronto',
  'Vancouver',
  'London',
  'Leeds',
  'Manchester',
  'Dublin',
  'Paris',
  'Lyon',
  'Berlin',
  'München',
  'Hamburg',
  'Zürich',
  'Wien',
  'Madrid',
  'Barcelona',
  'Lisboa',
  'Milano',
  'Roma',
  'Amsterdam',
  'Rotterdam',
  'Oslo',
  'Stockholm',
  'København',
  'Helsinki',
  'Warszawa',
  'Praha',
  'Sydney',
  'Melbourne',
  'Auckland',
  'Osaka',
  'Tokyo',
  'Seoul',
  'Singapore',
  'Mumbai',
  'São Paulo',
  'Québec',
  'Montréal',
  'Nordic',
  'Atlantic',
  'Pacific',
];
const NEAR_DUP_FORMS = [
  (n: number) => `Acme Corp ${n}`,
  (n: number) => `ACME Corporation #${n}`,
  (n: number) => `Acme Corp. (Branch ${n})`,
  (n: number) => `Acme Co ${n}`,
  (n: number) => `acme corp ltd ${n}`,
  (n: number) => `Acmé Corp – ${n}`,
  (n: number) => `The Acme Corp ${n}`,
  (n: number) => `Acme Corporate Services ${n}`,
];

/** `count` coined words, each of 2–3 syllables. */
function coinedWords(rand: () => number, count: number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const words = new Set<string>();
  while (words.size < count) {
    const syllables = 2 + Math.floor(rand() * 2);
    let w = '';
    for (let i = 0; i < syllables; i++)
      w += (rand() < 0.5 ? pick(ONSETS) : pick(ONSETS2)) + pick(VOWELS) + (i === syllables - 1 ? pick(CODAS) : '');
    if (w.length >= 4) words.add(w[0]?.toUpperCase() + w.slice(1));
  }
  return [...words];
}

/** Picks index i of n with probability ∝ 1/(i+1)^s: a few common words, a long tail of rare ones. */
function zipf(rand: () => number, n: number, s = 1.07): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A name generator: `next()` gives the next company name of a varied, realistic population. */
export function companyNames(seed: number): { next: () => string; coined: string[] } {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const coined = coinedWords(rand, 40_000);
  const coinedAt = zipf(rand, coined.length);
  const brand = () => coined[coinedAt()] as string;
  const suffix = () => {
    const s = pick(SUFFIXES);
    return s ? ` ${s}` : '';
  };
  const patterns: (() => string)[] = [
    () => `${brand()} ${pick(TRADES)}${suffix()}`,
    () => `${brand()}${suffix()}`,
    () => `${pick(FAMILY)} ${pick(TRADES)}${suffix()}`,
    () => `${pick(FAMILY)} & ${pick(FAMILY)}${suffix()}`,
    () => `${pick(PLACES)} ${pick(TRADES)}${suffix()}`,
    () => `${brand()} ${brand()} ${pick(TRADES)}`,
    () => `${pick(PLACES)} ${brand()}${suffix()}`,
    () => `${pick(FAMILY)}'s ${pick(TRADES)}`,
    () => `${brand()} ${pick(TRADES)} ${Math.floor(rand() * 99) + 1}`,
  ];
  return { next: () => pick(patterns)(), coined };
}

export interface SearchBusiness {
  name: string;
  customers: number;
  names: () => string;
}

/** Writes `n` customers with names from `names` into a business, in batches of 10,000. */
export async function fillBusiness(
  db: Db,
  businessId: string,
  n: number,
  names: (i: number) => string,
  progress: (done: number) => void,
  seed = 7,
): Promise<void> {
  const rand = rng(seed);
  const BATCH = 10_000;
  const yearSeconds = 365 * 24 * 3600;
  for (let start = 0; start < n; start += BATCH) {
    const cols = {
      id: [] as string[],
      name: [] as string[],
      nk: [] as string[],
      sk: [] as string[],
      email: [] as string[],
      age: [] as number[],
      status: [] as string[],
    };
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const name = names(i);
      cols.id.push(uuidv7());
      cols.name.push(name);
      cols.nk.push(foldCase(name));
      cols.sk.push(searchKey(name));
      cols.email.push(`ap${i}@c${i}.example`);
      // Ages over the last year, some equal (created_at ties).
      cols.age.push(rand() < 0.05 ? 1000 : Math.floor(rand() * yearSeconds));
      cols.status.push(rand() < 0.85 ? 'active' : rand() < 0.5 ? 'inactive' : 'blocked');
    }
    await db.query(
      `INSERT INTO customers (business_id, id, name, name_key, search_key, email, email_key, status, created_at, updated_at)
       SELECT $1, u.id, u.name, u.nk, u.sk, u.email, u.email, u.status,
              now() - make_interval(secs => u.age), now() - make_interval(secs => u.age / 2)
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[])
           AS u(id, name, nk, sk, email, age, status)`,
      [businessId, cols.id, cols.name, cols.nk, cols.sk, cols.email, cols.age, cols.status],
    );
    progress(Math.min(n, start + BATCH));
  }
}

export const nearDuplicate = (i: number): string =>
  (NEAR_DUP_FORMS[i % NEAR_DUP_FORMS.length] as (n: number) => string)(Math.floor(i / NEAR_DUP_FORMS.length) + 1);

/** The search benchmark's database on the PostgreSQL server (`npm run bench:customers` builds it). */
export const SEARCH_DB = process.env.BENCH_DATABASE ?? 'customers_api_bench_search';

/** The business of that name, built on the first run (minutes for a million) and reused afterwards. */
async function datasetBusiness(
  db: Db,
  name: string,
  n: number,
  names: (i: number) => string,
  log: (msg: string) => void,
): Promise<string> {
  const found = await db.query<{ id: string }>('SELECT id FROM businesses WHERE name = $1', [name]);
  if (found.rows[0]) return found.rows[0].id;
  log(`building "${name}" (${n.toLocaleString('en')} customers, once)…`);
  const b = await createBusiness(db, {
    name: `${name} (building)`,
    ownerEmail: `${name.replace(/\W+/g, '-')}@bench.example`,
  });
  let shown = 0;
  await fillBusiness(db, b.business_id, n, names, (done) => {
    if (done - shown >= 100_000 || done === n) {
      shown = done;
      log(`  ${done.toLocaleString('en')}`);
    }
  });
  await db.query('UPDATE businesses SET name = $2 WHERE id = $1', [b.business_id, name]);
  await db.exec('VACUUM ANALYZE customers');
  return b.business_id;
}

/** The two businesses of the search benchmark: `customers` varied names, `nearDups` near-duplicates. */
export async function searchDataset(
  db: Db,
  customers: number,
  nearDups: number,
  log: (msg: string) => void,
): Promise<{ varied: string; dups: string }> {
  const gen = companyNames(2026);
  const varied = await datasetBusiness(db, `search-v1 varied ${customers}`, customers, () => gen.next(), log);
  const dups = await datasetBusiness(db, `search-v1 near-duplicates ${nearDups}`, nearDups, nearDuplicate, log);
  return { varied, dups };
}

export interface SearchQuery {
  kind: string;
  q: string;
  business: string;
}

/** The benchmark's queries over that data: prefixes, common and rare words (looked up in it), typos, near-duplicates. */
export async function searchQueries(db: Db, varied: string, dups: string): Promise<SearchQuery[]> {
  // Rare words: coined brand words found in only a handful of names (as substrings too).
  const rare = await db.query<{ w: string }>(
    `SELECT w FROM (SELECT split_part(search_key, ' ', 1) AS w FROM customers WHERE business_id = $1 LIMIT 200000) x
      GROUP BY w HAVING count(*) = 1 AND length(w) >= 8 ORDER BY md5(w) LIMIT 50`,
    [varied],
  );
  const rareWords: string[] = [];
  for (const { w } of rare.rows) {
    const n = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customers WHERE business_id = $1 AND NOT is_deleted AND search_key LIKE $2`,
      [varied, `%${w}%`],
    );
    if ((n.rows[0]?.n ?? 0) <= 10) rareWords.push(w);
    if (rareWords.length === 2) break;
  }
  // A typo: one inner letter left out.
  const typo = (w: string) => `${w.slice(0, 3)}${w.slice(4)}`;
  return [
    { kind: 'prefix, 2 letters', q: 'ka', business: varied },
    { kind: 'prefix, 2 letters', q: 'br', business: varied },
    { kind: 'prefix, 3 letters', q: 'tra', business: varied },
    { kind: 'prefix, 3 letters', q: 'ste', business: varied },
    { kind: 'common word', q: 'holdings', business: varied },
    { kind: 'common word', q: 'smith', business: varied },
    { kind: 'two words', q: 'riverside dental', business: varied },
    { kind: 'rare word', q: rareWords[0] ?? 'kelvora', business: varied },
    { kind: 'rare word', q: rareWords[1] ?? 'tramisk', business: varied },
    { kind: 'typo', q: 'holdngs', business: varied },
    { kind: 'typo', q: 'johnsen', business: varied },
    { kind: 'typo', q: typo(rareWords[0] ?? 'kelvora'), business: varied },
    { kind: 'no match', q: 'qxzvjw', business: varied },
    { kind: 'near-duplicates', q: 'acme', business: dups },
    { kind: 'near-duplicates', q: 'acme corp 1234', business: dups },
    { kind: 'near-duplicates, typo', q: 'acme corporaton', business: dups },
  ];
}
