import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the console's build lands (scripts/build-console.ts): `dist/console/` of the checkout or package. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/**
 * Every console page's security headers. The page loads only its own scripts and styles
 * (no inline script, no CDN, no font), may not be framed, and sends no referrer (a
 * sign-in link's secret is in the fragment, never sent, but nothing else leaks either).
 */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  /** Compressed once at start-up when that is smaller (text), sent to clients that accept gzip. */
  gzip: Buffer | undefined;
  type: string;
  /** A name with a content hash (Vite's `assets/`): cached for a year, never revalidated. */
  hashed: boolean;
  /** The content's hash: a revalidation (`If-None-Match`) of an unchanged file is answered 304, with no body. */
  etag: string;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile() && !entry.name.startsWith('.')) out.push(path);
  }
  return out;
}

/** The built files, read once: a few hundred KB, served from memory. */
function load(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return assets;
  for (const path of walk(dir)) {
    const name = relative(dir, path).split(sep).join('/');
    const body = readFileSync(path);
    const type = TYPES[extname(name)] ?? 'application/octet-stream';
    const compressed = /^(text|application\/json|image\/svg)/.test(type) ? gzipSync(body) : undefined;
    assets.set(name, {
      body,
      gzip: compressed && compressed.length < body.length ? compressed : undefined,
      type,
      hashed: name.startsWith('assets/'),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    });
  }
  return assets;
}

/** Whether an `If-None-Match` names this ETag (or is `*`); weak and strong forms compare alike here. */
function matches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return tags.includes('*') || tags.includes(etag);
}

/**
 * The operator console at /console/ (a single-page app built from console/ by Vite): its
 * `index.html` revalidated on every visit, its hashed assets immutable. A browser client of
 * the public API like any other; none of these routes is in the OpenAPI document.
 */
export async function consoleRoutes(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const assets = load(opts.dir ?? CONSOLE_DIR);

  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    reply.headers(CONSOLE_HEADERS);
    const asset = assets.get(name);
    if (!asset) {
      const detail = assets.size === 0 ? 'The console is not built: run npm run build' : 'Not Found';
      return reply.code(404).send({ detail });
    }
    reply
      .type(asset.type)
      .header('cache-control', asset.hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('vary', 'accept-encoding')
      .header('etag', asset.etag);
    if (matches(request.headers['if-none-match'], asset.etag)) return reply.code(304).send();
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  };

  const route = { schema: { hide: true }, config: { access: 'public' as const } };
  app.get('/console/', route, async (request, reply) => send(request, reply, 'index.html'));
  app.get<{ Params: { '*': string } }>('/console/*', route, async (request, reply) =>
    send(request, reply, request.params['*']),
  );
}
