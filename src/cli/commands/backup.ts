/** `backup FILE`: a consistent SQL dump of the embedded database (mode 0600: it holds secrets). */
import { resolve } from 'node:path';
import { defineCommand } from '../command.js';

export default defineCommand({
  positionals: [{ name: 'file', value: 'FILE', description: 'where the dump goes (replaced whole, or not at all)' }],
  flags: {},
  async run(values, { io, out, withDb }) {
    const { backup } = await import('../backup.js');
    const path = resolve(io.cwd ?? process.cwd(), values.file);
    // As it is: a backup applies no migration. Beside a running server, the server runs this.
    const r = await withDb((db) => backup(db, path), { migrate: false });
    out(
      { file: r.file, bytes: r.bytes },
      `Wrote ${r.file} (${r.bytes} bytes, mode 0600). It holds webhook secrets and token hashes: keep it private.`,
    );
    return 0;
  },
});
