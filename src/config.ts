import { Ajv } from 'ajv';
import Type, { type Static } from 'typebox';
import { PgUrlError, parsePgUrl, splitUrlList } from './platform/db/url.js';

/** Every setting, read once at start-up from the environment. */
const ConfigSchema = Type.Object({
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description:
        'PostgreSQL URL, multi-host forms included (postgres://h1:5432,h2:5432/db?target_session_attrs=read-write); unset = embedded database',
    }),
  ),
  DATABASE_READ_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'read replicas for GET requests: one or more PostgreSQL URLs, comma-separated (needs DATABASE_URL)',
    }),
  ),
  REPLICA_MAX_LAG_SECONDS: Type.Number({
    default: 2,
    minimum: 0.1,
    maximum: 3600,
    description: 'a replica further behind the primary than this gets no reads until it catches up',
  }),
  DATA_DIR: Type.String({
    default: './.data',
    minLength: 1,
    description: "embedded database directory; ':memory:' keeps it in memory only (serve --memory)",
  }),
  TEST_MODE: Type.Optional(
    Type.Enum(['0', '1'], {
      description: '1: test mode (serve --test-mode), accepted only with an in-memory database',
    }),
  ),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/?#]+(/[^?#]*)?$',
      description:
        'the address users reach the server at, for the links it hands out (invitations); default the listening address',
    }),
  ),
  EXPORT_LINK_SECONDS: Type.Integer({
    default: 60,
    minimum: 1,
    maximum: 3600,
    description: 'how long a single-use export link (POST /api/v1/customers/export-links) may be used',
  }),
  PORT: Type.Integer({ default: 8000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  CURSOR_SECRET: Type.Optional(
    Type.String({ minLength: 32, description: 'overrides the secret stored in the database' }),
  ),
  WORKERS: Type.String({
    default: '1',
    pattern: '^(auto|[1-9][0-9]?)$',
    description: "server processes sharing the port (PostgreSQL only): a number, or 'auto' for one per CPU",
  }),
  DB_POOLER: Type.Enum(['none', 'transaction'], {
    default: 'none',
    description:
      "'transaction' when DATABASE_URL leads to a transaction-mode pooler (PgBouncer): no named prepared statements or session settings",
  }),
  PAGE_JSON: Type.Enum(['auto', 'postgres', 'node', 'arrays'], {
    default: 'auto',
    description:
      "who writes a list page's JSON: 'postgres' (the database returns the page's items as one JSON text), 'node' (rows become objects this process serializes), 'arrays' (rows read as arrays of values, each written as JSON here with no object in between); 'auto': see the README (Performance)",
  }),
  DB_POOL_MAX: Type.Integer({ default: 10, minimum: 1, maximum: 500 }),
  AUTH_CACHE_SECONDS: Type.Number({
    default: 5,
    minimum: 0,
    maximum: 300,
    description: 'how long a verified token may be reused without a lookup; bounds how late a revocation takes effect',
  }),
  BODY_LIMIT: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'request body limit in bytes' }),
  REQUEST_TIMEOUT_MS: Type.Integer({
    default: 30_000,
    minimum: 100,
    maximum: 600_000,
    description:
      'the whole request (headers and body) must arrive within this, or 408; a connection that sends nothing within it is closed',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    default: 10_000,
    minimum: 100,
    maximum: 600_000,
    description: 'on SIGTERM/SIGINT, in-flight requests may finish within this; then the process exits regardless',
  }),
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({
    default: 5_000,
    minimum: 0,
    maximum: 3_600_000,
    description: 'deadline of each statement of a request (PostgreSQL); 0 = none',
  }),
  DB_LONG_STATEMENT_TIMEOUT_MS: Type.Integer({
    default: 600_000,
    minimum: 0,
    maximum: 86_400_000,
    description: 'deadline of each statement of migrations, bulk uploads and CLI commands; 0 = none',
  }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ default: 3_000, minimum: 100, maximum: 600_000 }),
  DB_CONNECTION_MAX_LIFETIME_SECONDS: Type.Integer({
    default: 300,
    minimum: 0,
    maximum: 86_400,
    description: 'each PostgreSQL connection is closed after this long, so a moved DNS name is followed; 0 = never',
  }),
  DB_STARTUP_WAIT_SECONDS: Type.Number({
    default: 30,
    minimum: 0,
    maximum: 3600,
    description: 'how long start-up keeps trying to reach PostgreSQL before giving up',
  }),
  DEMO: Type.Optional(Type.Enum(['0', '1', 'true', 'false'])),
  RATE_LIMIT_PER_TOKEN: Type.Integer({
    default: 1200,
    minimum: 0,
    description: 'requests per window for each verified token; 0 = no limit',
  }),
  RATE_LIMIT_PER_ADDRESS: Type.Integer({
    default: 120,
    minimum: 0,
    description: 'requests per window for each client address without a valid token; 0 = no limit',
  }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ default: 60, minimum: 1, maximum: 86_400 }),
  REDIS_URL: Type.Optional(
    Type.String({ pattern: '^rediss?://', description: 'rate-limit counters in Redis, shared by every instance' }),
  ),
  REDIS_TIMEOUT_MS: Type.Integer({
    default: 100,
    minimum: 10,
    maximum: 60_000,
    description:
      'deadline of each Redis command; past it the request goes on as if Redis were away (rate limit and read-your-writes fail open)',
  }),
  MAX_CONNECTIONS: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description:
        'open client connections at most; past it a new connection is closed at once, unread. Default: the soft open-files limit minus a reserve for the database pools and files',
    }),
  ),
  TRUST_PROXY: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "whose X-Forwarded-For to believe for the client address: 'true' (any), or a comma-separated list of proxy addresses/CIDRs",
    }),
  ),
  EVENTS_RETENTION_DAYS: Type.Integer({
    default: 30,
    minimum: 1,
    maximum: 3650,
    description: 'how long GET /api/v1/events keeps an event',
  }),
  METRICS: Type.Enum(['off', 'loopback', 'public'], {
    default: 'loopback',
    description: 'who may read GET /metrics',
  }),
  WEBHOOK_ALLOW_PRIVATE: Type.Enum(['0', '1'], {
    default: '0',
    description: '1: webhook endpoints may be loopback, private or link-local addresses (trusted networks only)',
  }),
  WEBHOOK_ALLOW_HTTP: Type.Enum(['0', '1'], {
    default: '0',
    description: '1: webhook endpoints may use http:// as well as https://',
  }),
  WEBHOOK_RETRY_SCHEDULE: Type.String({
    default: '5,30,120,600,3600,21600',
    pattern: '^\\d+(\\.\\d+)?(,\\d+(\\.\\d+)?)*$',
    description: 'seconds before each retry of a failed webhook delivery, the last repeating, for 3 days',
  }),
  WEBHOOK_MAX_ENDPOINTS: Type.Integer({
    default: 16,
    minimum: 1,
    maximum: 10_000,
    description: 'webhook endpoints a business may have; one more → 409 (existing ones keep working)',
  }),
  MCP_ALLOWED_ORIGINS: Type.Optional(
    Type.String({
      description:
        'origins (scheme://host[:port], comma-separated) a browser page may call /mcp from; a request with any other Origin is 403. Default none',
    }),
  ),
});
export type Config = Static<typeof ConfigSchema>;

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false }).compile(
  ConfigSchema,
);

/** A setting that is missing or invalid: start-up stops with this message. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  if (!validate(picked)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'config'} ${e.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  checkPgUrls(picked.DATABASE_URL as string | undefined, picked.DATABASE_READ_URL as string | undefined);
  if (picked.DATABASE_READ_URL !== undefined && picked.DATABASE_URL === undefined) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_READ_URL needs DATABASE_URL (replicas of a PostgreSQL primary)',
    );
  }
  return picked as Config;
}

/** The database URLs read as the pool will read them: a bad one stops start-up here, in one line. */
function checkPgUrls(primary: string | undefined, reads: string | undefined): void {
  const read = (name: string, url: string) => {
    try {
      return parsePgUrl(url);
    } catch (err) {
      if (err instanceof PgUrlError) throw new ConfigError(`Invalid configuration: ${name} ${err.message}`);
      throw err;
    }
  };
  if (primary !== undefined) {
    const attrs = read('DATABASE_URL', primary).targetSessionAttrs;
    if (attrs !== undefined && !['read-write', 'primary', 'any'].includes(attrs)) {
      throw new ConfigError(
        `Invalid configuration: DATABASE_URL target_session_attrs=${attrs}: the server writes there (read-write, primary or any)`,
      );
    }
  }
  if (reads !== undefined) for (const url of splitUrlList(reads)) read('DATABASE_READ_URL', url);
}
