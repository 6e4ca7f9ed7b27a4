/** `restore FILE`: a backup loaded into an empty database (a new DATA_DIR, or an empty PostgreSQL database). */
import { resolve } from 'node:path';
import { DatabaseLockedError } from '../../platform/errors.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  // It needs the data directory to itself: never carried out by a running server.
  local: true,
  positionals: [{ name: 'file', value: 'FILE', description: 'a dump made by customers-api backup' }],
  flags: {},
  async run(values, { io, out, withDb }) {
    const { BackupError, restore } = await import('../backup.js');
    if (io.remote) throw new BackupError('restore needs the data directory to itself: stop the server first');
    const path = resolve(io.cwd ?? process.cwd(), values.file);
    const r = await withDb((db) => restore(db, path), { migrate: false }).catch((err) => {
      if (err instanceof DatabaseLockedError) {
        throw new BackupError(
          `restore needs the data directory to itself, and a server holds it. ${err.message} To migrate the data elsewhere, restore into a new DATA_DIR or an empty PostgreSQL database instead.`,
        );
      }
      throw err;
    });
    out({ file: r.file, tables: r.tables }, `Restored ${r.file}: ${r.tables} tables. Start the server on it as usual.`);
    return 0;
  },
});
