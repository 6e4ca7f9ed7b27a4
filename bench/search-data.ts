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
