import { once } from 'node:events';
import { CsvError, parse } from 'csv-parse';
import { InvalidFileError } from '../../platform/errors.js';

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
