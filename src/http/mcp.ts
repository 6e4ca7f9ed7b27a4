import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../platform/db/db.js';
import type { BindServices } from '../services.js';
import { callerOf } from './access.js';
import { actorEmail, bearerToken } from './auth.js';
import { HttpError } from './errors.js';
import { jsonTooDeep } from './validation.js';

export interface McpOptions {
  db: Db;
  bind: BindServices;
  /** Origins a browser may call /mcp from (MCP_ALLOWED_ORIGINS); a request with another Origin is 403. */
  allowedOrigins: readonly string[];
}

/** A JSON-RPC error answer of this edge's own (the transport's have the same shape). */
function rpcError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** The request's headers for the transport (one value each; the hop-by-hop ones left out). */
function webHeaders(req: FastifyRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * `POST /mcp`: MCP's Streamable HTTP transport, stateless (a server and a
 * transport per request, so any instance or worker answers), JSON answers.
 * Everything before the handler is the REST API's: authentication by bearer
 * token (declared access `token`: the business is each call's), the rate
 * limit on the token's budget, the body limit, the request deadline. Each tool
 * call then checks the caller's role in its business (mcp/server.ts).
 * `GET` and `DELETE` (sessions, server-sent streams) are not offered: 405.
 */
export const mcpRoutes: FastifyPluginAsync<McpOptions> = async (app, opts) => {
  const allowed = new Set(opts.allowedOrigins);
  // Within this plugin the body is read as text: malformed JSON is a JSON-RPC parse error here, not a 422.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/mcp',
    {
      // A key belongs in the write tools' idempotency_key argument: the HTTP header is refused (422).
      // No tool grants privileges, but a token-only POST is verified in the database (route-table's rule).
      config: { access: 'token', privileged: true, idempotency: 'refuse', noCookie: true },
      schema: { hide: true },
      onRequest: async (req) => {
        // Against DNS rebinding: a browser's page may call only from an allowed origin.
        const origin = req.headers.origin;
        if (origin !== undefined && !allowed.has(origin)) throw new HttpError(403, 'Origin not allowed');
      },
    },
    async (req, reply) => {
      const text = typeof req.body === 'string' ? req.body : '';
      let message: unknown;
      try {
        if (jsonTooDeep(text)) throw new Error('too deep');
        message = JSON.parse(text);
      } catch {
        return rpcError(reply, 400, -32700, 'Parse error: Invalid JSON');
      }
      // One message per request, so the rate limit counts every call.
      if (Array.isArray(message)) {
        if (message.length !== 1) {
          return rpcError(reply, 400, -32600, 'Invalid Request: send one JSON-RPC message per request (no batches)');
        }
        message = message[0];
      }
      // The MCP SDK and the tools load at the first call, not at start-up (most servers never get one).
      const [{ connectServer, createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await Promise.all([
        import('../mcp/server.js'),
        import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
      ]);
      const caller = callerOf(req);
      const token = bearerToken(req) as string;
      const services = req.services;
      const business = req.headers['x-business-id'];
      const server = createMcpServer({
        userId: caller.userId,
        services,
        db: opts.db,
        bind: opts.bind,
        roleIn: async (businessId) => (await services.auth.verify(token, businessId)).role,
        defaultBusiness: typeof business === 'string' ? { value: business, from: 'x-business-id' } : undefined,
        actorEmail: actorEmail(req.headers['x-user-email']),
        logError: (err, what) => req.log.error({ err }, what),
      });
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      try {
        await connectServer(server, transport);
        const res = await transport.handleRequest(
          new Request(`http://localhost${req.url}`, { method: 'POST', headers: webHeaders(req) }),
          { parsedBody: message },
        );
        reply.code(res.status);
        res.headers.forEach((value, name) => {
          if (name !== 'content-length') reply.header(name, value);
        });
        const body = await res.text();
        return reply.send(body === '' ? undefined : body);
      } finally {
        await transport.close().catch(() => {});
        await server.close().catch(() => {});
      }
    },
  );
};
