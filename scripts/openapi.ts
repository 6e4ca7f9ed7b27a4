// Writes the OpenAPI document the server publishes at /openapi.json to a file
// (default dist/openapi.json), without a database.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from './openapi-document.js';

const out = process.argv[2] ?? 'dist/openapi.json';
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
