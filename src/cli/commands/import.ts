/** `import FILE.csv`: customers from a CSV, by the bulk-upload rules, in batches committed as they go. */
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUSINESS_FLAG, progressBar, uuidOf } from '../args.js';
import { defineCommand, UsageError } from '../command.js';

export default defineCommand({
  positionals: [
    { name: 'file', value: 'FILE.csv', description: 'the CSV file (a header row; the bulk-upload columns)' },
  ],
  flags: { business: BUSINESS_FLAG },
  async run(values, { io, json, out, withDb }) {
    const file = resolve(io.cwd ?? process.cwd(), values.file);
    const businessId = uuidOf('business', values.business, 'a business id');
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new UsageError(`cannot read ${values.file}`);
    }
    // The importer and its schemas are loaded when it runs (they weigh what `--help` should not).
    const [{ requireBusiness }, { importCustomers }, { csvRecords }] = await Promise.all([
      import('../../resources/businesses/service.js'),
      import('../../resources/customers/bulk-import.js'),
      import('../../resources/customers/csv.js'),
    ]);
    const started = Date.now();
    const bar = progressBar(io, json, 'importing');
    let read = 0;
    // Count bytes as the importer pulls them (a 'data' listener would start the flow early and lose them).
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const chunk of createReadStream(file)) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const r = await withDb(async (db) => {
      await requireBusiness(db, businessId);
      return await importCustomers(db, { businessId, actorEmail: null }, csvRecords(counted()), {
        mode: 'per-batch',
        onProgress: () => bar?.(read, size),
      });
    });
    bar?.(size, size);
    const seconds = (Date.now() - started) / 1000;
    const lines = [
      `Created ${r.created}, skipped ${r.skipped}, ${r.errors.length} invalid rows, in ${seconds.toFixed(1)} s.`,
    ];
    for (const e of r.errors.slice(0, 20)) lines.push(`  row ${e.row}: ${e.error}`);
    if (r.errors.length > 20) lines.push(`  … and ${r.errors.length - 20} more (use --json for all)`);
    out({ ...r, seconds }, lines.join('\n'));
    return 0;
  },
});
