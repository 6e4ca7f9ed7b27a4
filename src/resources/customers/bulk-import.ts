import type { Db, Queryable } from '../../platform/db/db.js';
import { InvalidFileError } from '../../platform/errors.js';
import type { TenantContext } from '../../platform/tenant.js';
import { foldCase } from '../../platform/text.js';
import { objectChecker } from '../../platform/validation.js';
import { recordEvents } from '../events/service.js';
import { CUSTOMER_CSV_COLUMNS, csvLine, unguardCell } from './csv.js';
import type { CustomerRow } from './rows.js';
import { CustomerCreateSchema, type CustomerInput } from './schemas.js';
import { createdEvents, insertCustomers } from './service.js';

/** Columns a customers CSV may have, in template order. */
const IMPORT_COLUMNS = CUSTOMER_CSV_COLUMNS;
const REQUIRED_COLUMNS = ['name', 'email'] as const;

export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const BATCH = 1000;

interface ImportError {
  row: number;
  error: string;
}

export interface ImportResult {
  created: number;
  skipped: number;
  errors: ImportError[];
}

export interface ImportOptions {
  /** Reject the file past this many data rows; nothing is inserted. */
  maxRows?: number;
  /**
   * 'all-or-nothing': the file is read and checked whole, then inserted in one
   * transaction (the HTTP upload). 'per-batch': each batch commits as it goes
   * and `onProgress` reports only committed rows (the CLI, for files of any size).
   */
  mode: 'all-or-nothing' | 'per-batch';
  /** The deadline of each statement (PostgreSQL), ms; the pool's interactive one when absent. */
  statementTimeoutMs?: number;
  onProgress?: (progress: ImportResult & { rows: number }) => void;
}

const fileIssue = (msg: string, input: unknown = null) => new InvalidFileError(msg, input);

const checkRow = objectChecker(CustomerCreateSchema);
/** A CSV row goes through the create body's own schema and rules. */
function validateCustomerRow(row: Record<string, unknown>): { value: CustomerInput } | { error: string } {
  const issues = checkRow(row);
  if (issues.length === 0) return { value: row as unknown as CustomerInput };
  return { error: issues.map((i) => `${i.loc.join('.') || 'row'}: ${i.msg}`).join('; ') };
}

/** Checks the header row; returns the column names. */
function readHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim());
  if (names.length === 0 || names.every((n) => n === '')) throw fileIssue('the CSV has no header row');
  const known = new Set<string>(IMPORT_COLUMNS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw fileIssue(
      `unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (allowed: ${IMPORT_COLUMNS.join(', ')})`,
      unknown,
    );
  }
  const dup = names.filter((n, i) => names.indexOf(n) !== i);
  if (dup.length > 0) throw fileIssue(`duplicate column${dup.length > 1 ? 's' : ''}: ${[...new Set(dup)].join(', ')}`);
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0)
    throw fileIssue(`missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return names;
}

interface Pending {
  row: number;
  input: CustomerInput;
}

/**
 * Imports customers from CSV records (the first is the header). Each row is
 * validated like a create body; rows whose e-mail exists in the business, or
 * earlier in the file, are skipped; invalid rows are reported by their 1-based
 * data-row number. Inserts are batched, and a row is counted as created only
 * when its batch has committed, so the result never overstates what is stored.
 */
export async function importCustomers(
  db: Db,
  ctx: TenantContext,
  records: AsyncIterable<string[]>,
  opts: ImportOptions,
): Promise<ImportResult> {
  const result: ImportResult = { created: 0, skipped: 0, errors: [] };
  const seen = new Set<string>();
  let columns: string[] | undefined;
  let rows = 0;
  let batch: Pending[] = [];
  const held: Pending[][] = [];

  const insert = async (q: Queryable, pending: Pending[]) =>
    await insertCustomers(
      q,
      ctx,
      pending.map((p) => p.input),
      { onConflict: 'skip' },
    );
  const commit = async (pending: Pending[]) => {
    if (pending.length === 0) return;
    if (opts.mode === 'all-or-nothing') {
      held.push(pending);
      return;
    }
    const created = await db.transaction(
      async (tx) => {
        const rows = await insert(tx, pending);
        await recordEvents(tx, ctx.businessId, createdEvents(rows));
        return rows.length;
      },
      { statementTimeoutMs: opts.statementTimeoutMs },
    );
    result.created += created;
    result.skipped += pending.length - created;
    opts.onProgress?.({ ...result, rows });
  };

  for await (const record of records) {
    if (columns === undefined) {
      columns = readHeader(record);
      continue;
    }
    if (record.length === 1 && record[0]?.trim() === '') continue; // a blank line
    rows++;
    if (opts.maxRows !== undefined && rows > opts.maxRows) {
      throw fileIssue(`the file has more than ${opts.maxRows} data rows; split it into smaller files`);
    }
    if (record.length !== columns.length) {
      result.errors.push({ row: rows, error: `expected ${columns.length} fields, found ${record.length}` });
      continue;
    }
    const obj: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      // The `'` an export puts before a would-be formula comes off again (see csv.ts).
      const cell = unguardCell(record[i] ?? '');
      // An empty cell is a field left out, exactly as in a JSON body.
      if (cell.trim() !== '') obj[c] = cell;
    });
    const checked = validateCustomerRow(obj);
    if ('error' in checked) {
      result.errors.push({ row: rows, error: checked.error });
      continue;
    }
    const key = foldCase(checked.value.email);
    if (seen.has(key)) {
      result.skipped++;
      continue;
    }
    seen.add(key);
    batch.push({ row: rows, input: checked.value });
    if (batch.length >= BATCH) {
      await commit(batch);
      batch = [];
    }
  }
  if (columns === undefined) throw fileIssue('the file is empty');
  await commit(batch);

  if (opts.mode === 'all-or-nothing' && held.length > 0) {
    const counts = await db.transaction(
      async (tx) => {
        const rows: CustomerRow[] = [];
        for (const pending of held) rows.push(...(await insert(tx, pending)));
        // Last in the transaction: the feed positions are taken just before the commit.
        await recordEvents(tx, ctx.businessId, createdEvents(rows));
        return rows.length;
      },
      { statementTimeoutMs: opts.statementTimeoutMs },
    );
    const valid = held.reduce((n, p) => n + p.length, 0);
    result.created = counts;
    result.skipped += valid - counts;
    opts.onProgress?.({ ...result, rows });
  }
  return result;
}

/** The template: accepted columns and one example row, as DayZero's template endpoint returns it. */
export function importTemplate() {
  const example: Record<(typeof IMPORT_COLUMNS)[number], string> = {
    name: 'Acme Corp',
    email: 'billing@acme.example',
    phone: '+1 555 0100',
    address: '1 Main St, Springfield',
    tax_id: 'US-12-3456789',
    website: 'https://acme.example',
    notes: 'Prefers invoices by e-mail',
    credit_limit_cents: '500000',
    default_payment_term_id: '',
    status: 'active',
    category: 'Wholesale',
    invoice_footer: 'Thank you for your business',
  };
  const csv = `${csvLine(IMPORT_COLUMNS)}${csvLine(IMPORT_COLUMNS.map((c) => example[c]))}`;
  return {
    template_name: 'customers',
    csv_content_stringified: csv,
    csv_content_object: [example],
    csv_content_base64: Buffer.from(csv, 'utf8').toString('base64'),
    xls_content_base64: null,
  };
}
