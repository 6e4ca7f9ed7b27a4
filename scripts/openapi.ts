// Writes the OpenAPI document the server publishes at /openapi.json to a file
// (default dist/openapi.json), without a database; with --test-mode, a test-mode server's.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from './openapi-document.js';

const args = process.argv.slice(2);
const testMode = args.includes('--test-mode');
const out = args.find((a) => a !== '--test-mode') ?? 'dist/openapi.json';
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(await openApiDocument({ testMode }), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
