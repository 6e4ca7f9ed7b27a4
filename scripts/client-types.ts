// Generates the typed client's types (packages/client/src/schema.ts) from the
// server's OpenAPI document with openapi-typescript. `--check` fails instead of
// writing when the committed file is out of date (the test suite runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from './openapi-document.js';

export const CLIENT_TYPES = new URL('../packages/client/src/schema.ts', import.meta.url);

export async function clientTypes(): Promise<string> {
  const header =
    "// Generated from the server's OpenAPI document by `npm run client:types` (openapi-typescript). Do not edit.\n\n";
  return header + astToString(await openapiTS((await openApiDocument()) as never));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fresh = await clientTypes();
  if (process.argv.includes('--check')) {
    if (readFileSync(CLIENT_TYPES, 'utf8') !== fresh) {
      process.stderr.write('packages/client/src/schema.ts is out of date: run npm run client:types\n');
      process.exit(1);
    }
  } else {
    writeFileSync(CLIENT_TYPES, fresh);
    process.stdout.write('wrote packages/client/src/schema.ts\n');
  }
}
