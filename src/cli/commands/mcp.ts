/**
 * `mcp`: the MCP server over stdio, for assistants that start their tools as
 * processes. When a server answers at CUSTOMERS_API_URL (default: this
 * machine's HOST and PORT, where `serve` listens with the same settings, so
 * also beside a running embedded server) every message goes to its `/mcp`;
 * otherwise the tools run here, on the database, as the other commands do.
 */

import type { PageJsonSetting } from '../../platform/list.js';
import { defineCommand, UsageError } from '../command.js';

/** Whether a server answers at `base` (its health check), within a second. */
async function answers(base: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/healthz', base), { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status < 500;
  } catch {
    return false;
  }
}

export default defineCommand({
  flags: {
    business: {
      type: 'string',
      value: 'ID',
      description: 'the business a tool call acts in when it names none (default CUSTOMERS_API_BUSINESS_ID)',
    },
  },
  // It holds stdin and stdout for as long as the assistant runs: never carried out by a server.
  local: true,
  async run(values, { io, withDb }) {
    const token = io.env.CUSTOMERS_API_TOKEN?.trim();
    if (!token) throw new UsageError('CUSTOMERS_API_TOKEN must hold an API token (customers-api token create)');
    const business = values.business ?? (io.env.CUSTOMERS_API_BUSINESS_ID?.trim() || undefined);
    const [{ loadConfig }, { StdioServerTransport }] = await Promise.all([
      import('../../config.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]);
    const config = loadConfig(io.env);
    const host = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST;
    const base = io.env.CUSTOMERS_API_URL?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
    const stdio = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      stdio.onclose = resolve;
    });
    // The assistant ends the session by closing our stdin.
    process.stdin.once('end', () => void stdio.close());

    if (await answers(base)) {
      const [{ relay }] = await Promise.all([import('../../mcp/relay.js')]);
      await relay(stdio, new URL('/mcp', base), {
        authorization: `Bearer ${token}`,
        ...(business ? { 'x-business-id': business } : {}),
      });
      io.stderr(`customers-api mcp: relaying to ${base}/mcp\n`);
      await closed;
      return 0;
    }

    return await withDb(async (db) => {
      const [
        { connectServer, createMcpServer },
        { Authenticator },
        { CursorCodec },
        { cursorSecret },
        { createServices },
        { wallClock },
        { DEFAULT_SESSION_OPTIONS },
        { pageJsonFor },
      ] = await Promise.all([
        import('../../mcp/server.js'),
        import('../../resources/tokens/authenticator.js'),
        import('../../platform/cursor.js'),
        import('../../platform/settings.js'),
        import('../../services.js'),
        import('../../platform/clock.js'),
        import('../../resources/sessions/service.js'),
        import('../../platform/list.js'),
      ]);
      const auth = new Authenticator(db);
      const caller = await auth.verify(token, null, 'database');
      const codec = new CursorCodec(await cursorSecret(db, config.CURSOR_SECRET));
      const bind = (on: typeof db) =>
        createServices(on, codec, {
          auth,
          clock: wallClock,
          longStatementTimeoutMs: config.DB_LONG_STATEMENT_TIMEOUT_MS,
          pageJson: pageJsonFor(config.PAGE_JSON as PageJsonSetting, db),
          sessions: DEFAULT_SESSION_OPTIONS,
        });
      const server = createMcpServer({
        userId: caller.userId,
        services: bind(db),
        db,
        bind,
        roleIn: async (businessId) => (await auth.verify(token, businessId)).role,
        defaultBusiness: business ? { value: business, from: 'CUSTOMERS_API_BUSINESS_ID' } : undefined,
        actorEmail: null,
        logError: (err, what) => io.stderr(`customers-api mcp: ${what}: ${err instanceof Error ? err.message : err}\n`),
      });
      await connectServer(server, stdio);
      io.stderr('customers-api mcp: serving on stdio, on the database\n');
      await closed;
      await server.close();
      await auth.idle();
      return 0;
    });
  },
});
