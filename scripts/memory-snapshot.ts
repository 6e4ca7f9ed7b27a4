// Part of `npm run build`: dist/memory-snapshot.tar, the migrated empty embedded database that
// `serve --memory` starts from (loading it takes a fraction of the seconds creating one does).
// Skipped when the snapshot there already holds the current migrations.
import { writeSnapshot } from '../src/platform/db/memory.js';

const outcome = await writeSnapshot();
if (outcome === 'written') process.stderr.write('dist/memory-snapshot.tar: written\n');
