import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Relays every message between a local transport (stdio) and a server's
 * `/mcp`, unchanged: the server does the work. A message the server refuses at
 * the HTTP level (401, 429, the server gone) is answered to the local side as
 * a JSON-RPC error saying so.
 */
export async function relay(local: Transport, url: URL, headers: Record<string, string>): Promise<void> {
  const remote = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  remote.onmessage = (message) => {
    // The version agreed at initialization goes on every later request (Mcp-Protocol-Version).
    const result = (message as { result?: { protocolVersion?: unknown } }).result;
    if (typeof result?.protocolVersion === 'string') remote.setProtocolVersion(result.protocolVersion);
    void local.send(message);
  };
  local.onmessage = (message: JSONRPCMessage) => {
    remote.send(message).catch((err: unknown) => {
      if (!isJSONRPCRequest(message)) return;
      void local.send({
        jsonrpc: '2.0',
        id: message.id,
        error: { code: -32000, message: err instanceof Error ? err.message : String(err) },
      });
    });
  };
  local.onclose = ((previous) => () => {
    void remote.close();
    previous?.();
  })(local.onclose);
  await remote.start();
  await local.start();
}
