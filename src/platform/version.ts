import { readFileSync } from 'node:fs';

/** The package's own version (`info.version` of the OpenAPI document, `customers-api --version`). */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
