import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import { InvalidFileError } from '../../platform/errors.js';
import { fieldsOf } from '../../platform/fields.js';
import type { CustomerInput } from './schemas.js';

/**
 * The columns of a customers CSV, in the bulk-upload template's order: the
 * create body's fields (one left out does not compile). An export writes
 * exactly these, so an export uploads again.
 */
export const CUSTOMER_CSV_COLUMNS = fieldsOf<CustomerInput>()([
  'name',
  'email',
  'phone',
  'address',
  'tax_id',
  'website',
  'notes',
  'credit_limit_cents',
  'default_payment_term_id',
  'status',
  'category',
  'invoice_footer',
]);

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
 * first), also behind quotes an export added: an export writes it with one
 * more leading `'` (OWASP's CSV injection advice), and a bulk upload takes
 * exactly that one off again, so every value makes the round trip unchanged.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A value as an export writes it: a would-be formula behind a leading `'` (see FORMULA_START). */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A cell as a bulk upload reads it: the `'` an export put before a would-be formula taken off. */
export function unguardCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

/** One CSV field: quoted when it holds a quote, a comma or a line break (RFC 4180). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record, CRLF-terminated. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

const notCsv = (msg: string) => new InvalidFileError(msg);

/**
 * Streams CSV records (arrays of fields) from bytes: RFC 4180 quoting, embedded
 * commas and newlines, CRLF or LF, an optional UTF-8 BOM. Bytes that are not
 * UTF-8 text, and malformed CSV, are an InvalidFileError.
 */
export async function* csvRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        if (buf.includes(0)) throw notCsv('the file is not a CSV text file');
        try {
          decoder.decode(buf, { stream: true });
        } catch {
          throw notCsv('the file is not UTF-8 text');
        }
        if (!parser.write(buf)) await once(parser, 'drain');
      }
      parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  try {
    for await (const record of parser) yield record as string[];
  } catch (err) {
    if (err instanceof CsvError) throw notCsv(`the file is not valid CSV: ${err.message}`);
    throw err;
  } finally {
    parser.destroy();
    feeding.catch(() => {});
  }
}
