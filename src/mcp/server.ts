/**
 * The MCP server: the SDK's low-level `Server` with our tools (tools.ts), two
 * resource templates and one prompt. One is made for each HTTP request (the
 * transport is stateless) or for one stdio session; what it acts as comes in a
 * Session: the caller, the services, and how to check a membership.
 */
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ClientRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  isJSONRPCRequest,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { domainAnswer } from '../http/errors.js';
import { RequestValidationError } from '../http/validation.js';
import type { Db } from '../platform/db/db.js';
import { isUnavailable } from '../platform/db/db.js';
import { TxDb } from '../platform/db/tx-db.js';
import { isDomainError } from '../platform/errors.js';
import {
  type ClaimRef,
  canonicalJson,
  claim,
  complete,
  fingerprint,
  KEY_RE,
  release,
} from '../platform/idempotency.js';
import { isUuid } from '../platform/ids.js';
import type { TenantContext } from '../platform/tenant.js';
import { type Issue, objectChecker, unstorableText } from '../platform/validation.js';
import { PACKAGE_VERSION } from '../platform/version.js';
import { allows, type Permission, ROLES, type Role } from '../resources/businesses/roles.js';
import { importTemplate } from '../resources/customers/bulk-import.js';
import type { BindServices, Services } from '../services.js';
import { jsonSchema, TOOLS, type Tool } from './tools.js';

/** Who a server acts for, and with what. */
export interface Session {
  userId: string;
  /** The services of a call (the app's: writes with an idempotency key run on `bind(transaction)`). */
  services: Services;
  db: Db;
  bind: BindServices;
  /** The caller's role in a business (null: not a member); throws as the authenticator does. */
  roleIn(businessId: string): Promise<Role | null>;
  /** The business when a call names none: the x-business-id header, or CUSTOMERS_API_BUSINESS_ID. */
  defaultBusiness?: { value: string; from: string } | undefined;
  /** Recorded as created_by / updated_by (x-user-email). */
  actorEmail: string | null;
  /** Unexpected faults are logged here, never shown. */
  logError(err: unknown, what: string): void;
}

/** A refusal, as a tool result says it: `"<status>: <detail>"`. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | Issue[],
  ) {
    super(typeof detail === 'string' ? detail : 'Validation error');
  }
}

/** A REST location without its request part: a tool's arguments are one object. */
const argumentLoc = (loc: (string | number)[]) =>
  ['path', 'query', 'body'].includes(String(loc[0])) && loc.length > 1 ? loc.slice(1) : loc;

function refusalText(status: number, detail: string | Issue[]): string {
  if (typeof detail === 'string') return `${status}: ${detail}`;
  return `${status}: ${detail.map((i) => `${argumentLoc(i.loc).join('.') || 'arguments'}: ${i.msg}`).join('; ')}`;
}

/** What a failed call answers: the REST twin's status and detail, or "retry" when the database is away. */
function refusalOf(err: unknown, session: Session, tool: string): { status: number; detail: string | Issue[] } {
  if (err instanceof Refusal) return err;
  if (err instanceof RequestValidationError)
    return { status: 422, detail: err.issues.map((i) => ({ ...i, loc: argumentLoc(i.loc) })) };
  if (isDomainError(err)) {
    const a = domainAnswer(err);
    if (a.status === 503) return { status: 503, detail: 'Service unavailable: the database is away; retry shortly' };
    return {
      status: a.status,
      detail: typeof a.detail === 'string' ? a.detail : a.detail.map((i) => ({ ...i, loc: argumentLoc(i.loc) })),
    };
  }
  if (isUnavailable(err)) return { status: 503, detail: 'Service unavailable: the database is away; retry shortly' };
  session.logError(err, `mcp tool ${tool}`);
  return { status: 500, detail: 'Internal Server Error' };
}

const refused = (status: number, detail: string | Issue[]): CallToolResult => ({
  isError: true,
  content: [{ type: 'text', text: refusalText(status, detail) }],
});

const checkers = new Map<Tool, (a: Record<string, unknown>) => Issue[]>(TOOLS.map((t) => [t, objectChecker(t.input)]));

/** The arguments, checked as the REST twin checks its request (trimmed, lax booleans and integers, defaults). */
function checkedArgs(tool: Tool, raw: unknown): Record<string, unknown> {
  const args = raw === undefined || raw === null ? {} : raw;
  if (typeof args !== 'object' || Array.isArray(args)) {
    throw new Refusal(422, [
      { type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary', input: args },
    ]);
  }
  const copy = { ...(args as Record<string, unknown>) };
  const unstorable = unstorableText(copy);
  if (unstorable.length > 0) throw new Refusal(422, unstorable);
  const issues = checkers.get(tool)?.(copy) ?? [];
  if (issues.length > 0) throw new Refusal(422, issues);
  return copy;
}

const rolesAllowed = (permission: Permission) => ROLES.filter((r) => allows(r, permission)).reverse();

/** The business a call acts in, the caller's membership there checked against the permission. */
async function tenantOf(session: Session, tool: Tool, args: Record<string, unknown>): Promise<TenantContext> {
  const permission = tool.access as Permission;
  let businessId = args.business_id as string | undefined;
  if (businessId === undefined && session.defaultBusiness) {
    const { value, from } = session.defaultBusiness;
    if (!isUuid(value.trim())) {
      throw new Refusal(422, [
        { type: 'uuid_parsing', loc: [from], msg: 'Input should be a valid UUID', input: value },
      ]);
    }
    businessId = value.trim();
  }
  if (businessId === undefined) {
    const page = await session.services.businesses.list(
      session.userId,
      {},
      { limit: 20, direction: 'next', includeTotalCount: false, sortBy: 'name', descending: false },
    );
    const yours = page.items.map((b) => `${b.name} (${b.id}, ${b.role})`).join('; ');
    throw new Refusal(
      422,
      `business_id: Field required (or send x-business-id). Your businesses: ${yours || 'none'}${page.has_next ? '; more: list_businesses' : ''}`,
    );
  }
  businessId = businessId.toLowerCase();
  const role = await session.roleIn(businessId);
  if (role === null || !allows(role, permission)) {
    const needs = rolesAllowed(permission).join(', ');
    throw new Refusal(
      403,
      `Not enough permissions (${tool.name} needs the role ${needs}; ${role === null ? 'you are not a member of this business' : `yours here is ${role}`})`,
    );
  }
  return { businessId, actorEmail: session.actorEmail };
}

/** The outcome of a keyed write kept for its replay (platform/idempotency.ts: the REST semantics). */
async function keyed(
  session: Session,
  tool: Tool,
  tenant: TenantContext,
  args: Record<string, unknown>,
  run: (services: Services) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const key = args.idempotency_key as string;
  if (!KEY_RE.test(key)) {
    throw new Refusal(422, [
      {
        type: 'value_error',
        loc: ['idempotency_key'],
        msg: 'Value error, an idempotency key is 1 to 255 printable ASCII characters',
        input: key,
      },
    ]);
  }
  const { idempotency_key: _, business_id: __, ...rest } = args;
  const print = fingerprint('MCP', `tools/${tool.name}`, canonicalJson(rest));
  const ref: ClaimRef = { scope: `b:${tenant.businessId}`, key, holder: randomUUID() };
  const claimed = await claim(session.db, session.services.clock, ref, print);
  switch (claimed.kind) {
    case 'mismatch':
      throw new Refusal(422, [
        {
          type: 'value_error',
          loc: ['idempotency_key'],
          msg: 'Value error, this idempotency key was used for another call (tool or arguments differ)',
          input: key,
        },
      ]);
    case 'in_progress':
      throw new Refusal(409, 'A call with this idempotency key is in progress');
    case 'replay': {
      const stored = JSON.parse(claimed.body) as { data?: Record<string, unknown>; detail?: string };
      if (claimed.status < 300 && stored.data) return stored.data;
      throw new Refusal(claimed.status, stored.detail ?? 'Error');
    }
    case 'claimed':
      break;
  }
  try {
    return await session.db.transaction(async (tx) => {
      const data = await run(session.bind(new TxDb(tx, session.db.kind)));
      await complete(tx, ref, 200, JSON.stringify({ data }));
      return data;
    });
  } catch (err) {
    const a = isDomainError(err) ? domainAnswer(err) : undefined;
    try {
      if (a?.business && typeof a.detail === 'string')
        await complete(session.db, ref, a.status, JSON.stringify({ detail: a.detail }));
      else await release(session.db, ref);
    } catch {
      // The database is away: the key's lease lapses, and a retry claims it again.
    }
    throw err;
  }
}

/** Runs one tool call: a result, or a refusal (`isError`) — never a protocol error for what the call asked. */
async function callTool(session: Session, name: string, raw: unknown): Promise<CallToolResult> {
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  try {
    const args = checkedArgs(tool, raw);
    const tenant =
      tool.access === 'token'
        ? { businessId: '', actorEmail: session.actorEmail }
        : await tenantOf(session, tool, args);
    const run = (services: Services) => tool.run({ services, tenant, userId: session.userId }, args);
    const data =
      tool.write && args.idempotency_key !== undefined
        ? await keyed(session, tool, tenant, args, run)
        : await run(session.services);
    return { content: [{ type: 'text', text: tool.text(data) }], structuredContent: data };
  } catch (err) {
    const r = refusalOf(err, session, tool.name);
    return refused(r.status, r.detail);
  }
}

const CUSTOMER_URI = /^customers:\/\/([^/]+)\/customers\/([^/?#]+)$/;
const TEMPLATE_URI = /^customers:\/\/([^/]+)\/bulk-upload-template$/;

/** A URI's percent-encoded part, decoded; broken encoding is the caller's error. */
function decodedPart(part: string | undefined, uri: string): string {
  try {
    return decodeURIComponent(part ?? '');
  } catch {
    throw new McpError(ErrorCode.InvalidParams, `Invalid resource URI (broken percent-encoding): ${uri}`);
  }
}

/** Reads a resource by its URI, through the tools' own checks (membership, role, tenancy). */
async function readResource(session: Session, uri: string) {
  const customer = CUSTOMER_URI.exec(uri);
  const template = TEMPLATE_URI.exec(uri);
  if (!customer && !template) throw new McpError(-32002, `Resource not found: ${uri}`);
  if (template) {
    const businessId = decodedPart(template[1], uri);
    // Reading the template is a read in the business, as on REST.
    const listing = TOOLS.find((t) => t.name === 'search_customers') as Tool;
    try {
      await tenantOf(session, listing, { business_id: businessId });
    } catch (err) {
      const r = refusalOf(err, session, 'resource');
      throw new McpError(ErrorCode.InvalidParams, refusalText(r.status, r.detail));
    }
    const t = importTemplate();
    return { contents: [{ uri, mimeType: 'text/csv', text: t.csv_content_stringified }] };
  }
  const [, business, id] = customer as RegExpExecArray;
  const result = await callTool(session, 'get_customer', {
    business_id: decodedPart(business, uri),
    customer_id: decodedPart(id, uri),
  });
  if (result.isError) {
    const text = (result.content[0] as { text: string }).text;
    throw new McpError(text.startsWith('404') ? -32002 : ErrorCode.InvalidParams, text);
  }
  return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(result.structuredContent) }] };
}

const PROMPT = {
  name: 'find_billing_contact',
  title: "Find a customer's billing contact",
  description:
    "Finds who to send a customer's invoices to: its contact whose role is billing, else its primary contact.",
  arguments: [
    { name: 'customer', description: "The customer's name (or part of it) or e-mail", required: true },
    { name: 'business_id', description: 'The business, when the connection names none', required: false },
  ],
};

function promptText(customer: string, businessId: string | undefined): string {
  const where = businessId ? ` (business_id ${businessId})` : '';
  return [
    `Find the billing contact of the customer "${customer}"${where}.`,
    `1. Call search_customers with search="${customer}" (or email="${customer}" if it is an e-mail address) and sort_by="relevance".`,
    '2. If several customers match, list them (name, e-mail, id) and ask which one is meant.',
    '3. Call get_customer with its id: the contacts come with it.',
    '4. The billing contact is the one whose role mentions billing, accounts payable or invoices; if none, the primary contact; if there are no contacts, say so and give the customer e-mail.',
    "Answer with the contact's name, e-mail, phone and role, and the customer's name and id.",
  ].join('\n');
}

/** The MCP server for one session: tools, resource templates (no listing) and the prompt. */
export function createMcpServer(session: Session): Server {
  const server = new Server(
    { name: 'customers-api', version: PACKAGE_VERSION },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        "DayZero's Customers API: customers and their contacts, per business. Call list_businesses to learn your business ids (business_id), then search_customers, get_customer and the rest.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: TOOLS.map((t) => ({
      name: t.name,
      title: t.annotations.title,
      description: t.description,
      inputSchema: jsonSchema(t.input) as { type: 'object' },
      outputSchema: jsonSchema(t.output) as { type: 'object' },
      annotations: t.annotations,
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, (req) => callTool(session, req.params.name, req.params.arguments));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: [] }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [
      {
        uriTemplate: 'customers://{business_id}/customers/{customer_id}',
        name: 'customer',
        title: 'A customer with its contacts',
        description: 'The customer as get_customer answers it (JSON), its contacts included',
        mimeType: 'application/json',
      },
      {
        uriTemplate: 'customers://{business_id}/bulk-upload-template',
        name: 'bulk-upload-template',
        title: 'The bulk-upload CSV template',
        description: 'The header and an example row of the CSV that POST /api/v1/customers/bulk-upload takes',
        mimeType: 'text/csv',
      },
    ],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (req) => readResource(session, req.params.uri));
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: [PROMPT] }));
  server.setRequestHandler(GetPromptRequestSchema, async (req) => {
    if (req.params.name !== PROMPT.name)
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${req.params.name}`);
    const customer = req.params.arguments?.customer;
    if (!customer) throw new McpError(ErrorCode.InvalidParams, 'customer: Field required');
    return {
      description: PROMPT.description,
      messages: [
        { role: 'user', content: { type: 'text', text: promptText(customer, req.params.arguments?.business_id) } },
      ],
    };
  });
  return server;
}

/** Each request method a client may send, and its schema (the SDK's own). */
const REQUEST_SCHEMAS = new Map(ClientRequestSchema.options.map((o) => [o.shape.method.value as string, o]));

/**
 * Connects a server to a transport, a request whose params do not fit its method's
 * schema answered `-32602 Invalid params` (JSON-RPC's code for it) naming where.
 * Left to the SDK, such a request fails inside its dispatch and answers `-32603
 * Internal error`, as if the server had broken.
 */
export async function connectServer(server: Server, transport: Transport): Promise<void> {
  await server.connect(transport);
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (isJSONRPCRequest(message)) {
      const parsed = REQUEST_SCHEMAS.get(message.method)?.safeParse(message);
      if (parsed && !parsed.success) {
        const where = parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.') || 'request'}: ${i.message}`)
          .join('; ');
        void transport.send({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: ErrorCode.InvalidParams, message: `Invalid params for ${message.method}: ${where}` },
        });
        return;
      }
    }
    deliver?.(message, extra);
  };
}
