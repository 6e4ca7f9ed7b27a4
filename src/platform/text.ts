/**
 * Text lower-cased by Unicode's default case mapping (locale-independent). Stored
 * in `*_key` columns declared `COLLATE "C"`, it gives case-insensitive order by
 * code point and case-insensitive equality (e-mails), identical on every backend.
 * Computed here rather than with SQL lower(), whose result depends on the
 * database's locale.
 */
export function foldCase(value: string): string;
export function foldCase(value: string | null): string | null;
export function foldCase(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

/**
 * PostgreSQL's UTC timestamp text ("2026-11-26 13:26:02.1234+00") as RFC 3339
 * with exactly six fractional digits ("2026-11-26T13:26:02.123400Z").
 */
export function toRfc3339(pgText: string): string;
export function toRfc3339(pgText: string | null): string | null;
export function toRfc3339(pgText: string | null): string | null {
  if (pgText === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(pgText);
  if (!m) throw new Error(`unexpected timestamp text: ${pgText}`);
  const micros = (m[3] ?? '').padEnd(6, '0');
  const zone = m[4] as string;
  if (zone === 'Z' || /^\+00(:?00)?$/.test(zone)) return `${m[1]}T${m[2]}.${micros}Z`;
  // A session in another time zone (behind a pooler that cannot set ours): shift to UTC, keeping the microseconds.
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh, mm] = [Number(zone.slice(1, 3)), Number(zone.replace(':', '').slice(3, 5) || '0')];
  const local = Date.parse(`${m[1]}T${m[2]}Z`);
  const utc = new Date(local - sign * (hh * 60 + mm) * 60_000).toISOString().slice(0, 19);
  return `${utc}.${micros}Z`;
}

/**
 * The search form of a name: lower-cased, compatibility-normalized, accents
 * removed ("Émile Zoë" → "emile zoe"), whitespace collapsed. Stored beside the
 * name and applied to the query, so search is case- and accent-insensitive on
 * every backend without the unaccent extension.
 */
export function searchKey(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
