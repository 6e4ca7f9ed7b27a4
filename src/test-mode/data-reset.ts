/**
 * The data half of `POST /_test/reset` (contract §7): every table's rows as they were
 * right after the fixtures, put back in one transaction. Tables are found in the
 * catalog, not listed here, so a table a later migration adds (and what it holds:
 * sessions, links, queues) is restored without an edit. Only schema_migrations is
 * left alone, and change_counters is not copied: its triggers rebuild it as the rows go back
 * (see migration 0013). A reset draws a new change epoch, so no validator (ETag) handed out
 * before it matches after it, although the version sequence is set back too.
 */
import type { Db } from '../platform/db/db.js';
import { query, queryRow, sql } from '../platform/sql.js';

interface TableData {
  name: string;
  /** The columns written back (generated columns compute themselves). */
  columns: string[];
  /** The rows as one JSON array, as json_agg gave them. */
  rows: string;
  count: number;
}

export interface DataSnapshot {
  /** Parents before children, so foreign keys hold at every insert. */
  tables: TableData[];
  sequences: { name: string; value: string | null }[];
  /** The statements that put it all back, as one text: one round trip (see restoreData). */
  script: string;
}

/** Kept by triggers from the other tables' writes (migration 0013): rebuilt, not copied. */
const DERIVED_TABLE = 'change_counters';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** A string literal (standard_conforming_strings, PostgreSQL's default since 9.1: only ' is special). */
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The tables of the current schema, parents before children (by their foreign keys). */
async function tablesInOrder(db: Db): Promise<{ name: string; columns: string[] }[]> {
  const { rows: tables } = await query<{ name: string; columns: string[] }>(
    db,
    sql`SELECT c.relname AS name,
               array_agg(a.attname::text ORDER BY a.attnum) AS columns
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
           AND c.relname NOT IN ('schema_migrations', ${DERIVED_TABLE})
         GROUP BY c.relname
         ORDER BY c.relname`,
  );
  const { rows: fks } = await query<{ child: string; parent: string }>(
    db,
    sql`SELECT ch.relname AS child, pa.relname AS parent
          FROM pg_constraint k
          JOIN pg_class ch ON ch.oid = k.conrelid
          JOIN pg_class pa ON pa.oid = k.confrelid
          JOIN pg_namespace n ON n.oid = ch.relnamespace
         WHERE k.contype = 'f' AND n.nspname = current_schema() AND ch.oid <> pa.oid`,
  );
  const ordered: { name: string; columns: string[] }[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const place = (name: string) => {
    if (placed.has(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const fk of fks) if (fk.child === name) place(fk.parent);
    visiting.delete(name);
    const table = byName.get(name);
    if (table) ordered.push(table);
    placed.add(name);
  };
  for (const t of tables) place(t.name);
  return ordered;
}

/** Every table's rows (and every sequence's position) now: what `restoreData` puts back. */
export async function captureData(db: Db): Promise<DataSnapshot> {
  const tables: TableData[] = [];
  for (const t of await tablesInOrder(db)) {
    const table = sql.raw(quoteIdent(t.name));
    const r = await queryRow<{ rows: string; count: number }>(
      db,
      sql`SELECT coalesce(json_agg(t), '[]')::text AS rows, count(*)::int AS count FROM ${table} t`,
    );
    tables.push({ ...t, ...r });
  }
  const { rows: sequences } = await query<{ name: string; value: string | null }>(
    db,
    sql`SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) AS name, last_value::text AS value
          FROM pg_sequences WHERE schemaname = current_schema()`,
  );
  return { tables, sequences, script: restoreScript(tables, sequences) };
}

/** After the settings went back: every validator handed out before the reset stops matching. */
const NEW_CHANGE_EPOCH = `UPDATE settings SET value = replace(gen_random_uuid()::text, '-', '') WHERE key = 'change_epoch'`;

/**
 * Every table emptied (children first: DELETE, which costs a fraction of a TRUNCATE's
 * new files for tables this small), then its rows inserted (parents first), then the
 * sequences set: one text, so a reset is one round trip rather than one per statement.
 */
function restoreScript(tables: TableData[], sequences: DataSnapshot['sequences']): string {
  const statements = [
    ...[...tables].reverse().map((t) => `DELETE FROM ${quoteIdent(t.name)}`),
    ...tables
      .filter((t) => t.count > 0)
      .map((t) => {
        const cols = t.columns.map(quoteIdent).join(', ');
        return `INSERT INTO ${quoteIdent(t.name)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${quoteIdent(t.name)}, ${quoteLiteral(t.rows)}::json)`;
      }),
    ...sequences.map((q) =>
      q.value === null
        ? `SELECT setval(${quoteLiteral(q.name)}::regclass, (SELECT seqstart FROM pg_sequence WHERE seqrelid = ${quoteLiteral(q.name)}::regclass), false)`
        : `SELECT setval(${quoteLiteral(q.name)}::regclass, ${BigInt(q.value).toString()}, true)`,
    ),
    NEW_CHANGE_EPOCH,
  ];
  return `${statements.join(';\n')};`;
}

/**
 * Puts every table back as `snapshot` holds it, in one transaction (a few milliseconds
 * for a few hundred rows: npm run start-time measures it for examples/fixtures.json).
 */
export async function restoreData(db: Db, snapshot: DataSnapshot): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.exec(snapshot.script);
  });
}
