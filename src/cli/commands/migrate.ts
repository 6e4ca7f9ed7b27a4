/** `migrate`: applies pending database migrations. */
import { migrate } from '../../platform/db/migrate.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  flags: {},
  async run(_values, { out, withDb }) {
    const applied = await withDb((db) => migrate(db), { migrate: false });
    out({ applied }, applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    return 0;
  },
});
