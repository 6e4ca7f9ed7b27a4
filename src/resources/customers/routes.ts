import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { callerOf, tenantOf } from '../../http/access.js';
import { HttpError, malformedMultipart, SEND_MULTIPART } from '../../http/errors.js';
import { clientGone, deleted, ok, pageParams, SECURITY, sendPage } from '../../http/responses.js';
import {
  AuthHeaders,
  DeletedEnvelope,
  Envelope,
  errorResponses,
  PaginatedOf,
  tokenErrorResponses,
} from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import type { TenantContext } from '../../platform/tenant.js';
import { searchKey } from '../../platform/text.js';
import { CustomerIdParams } from '../contacts/schemas.js';
import { baseUrlOf } from '../invitations/routes.js';
import { importTemplate, MAX_IMPORT_ROWS } from './bulk-import.js';
import { csvRecords } from './csv.js';
import {
  BulkUploadResultSchema,
  BulkUploadTemplateSchema,
  CUSTOMER_SORT_NAMES,
  CustomerCreateSchema,
  CustomerExportLinkSchema,
  type CustomerExportParams,
  CustomerExportQuery,
  CustomerListQuery,
  CustomerSchema,
  CustomerUpdateSchema,
  MAX_SEARCH_LENGTH,
  PAGING_PARAMS,
  RELEVANCE,
} from './schemas.js';
import type { CustomerFilters, CustomerOrder } from './service.js';

const tags = ['customers'];

/**
 * The upload's bytes, failing with 413 once the size limit cut it short: the
 * multipart reader truncates silently, and a truncated file must never import.
 */
async function* whole(file: AsyncIterable<Buffer> & { truncated: boolean }): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of file) yield chunk;
  } catch (err) {
    throw malformedMultipart(err);
  }
  if (file.truncated) throw new HttpError(413, 'File too large: the limit is 5 MB');
}

/** The multipart reader's own failures (no boundary, a part cut short) are the client's: 400. */
/** `sort_by=relevance` ranks matches of a search: without one it is refused, naming what is allowed. */
export function relevanceWithoutSearch(): RequestValidationError {
  const allowed = CUSTOMER_SORT_NAMES.filter((n) => n !== RELEVANCE).map((n) => `'${n}'`);
  const expected = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return new RequestValidationError([
    {
      type: 'literal_error',
      loc: ['query', 'sort_by'],
      msg: `Input should be ${expected} ('relevance' only together with search)`,
      input: RELEVANCE,
      ctx: { expected },
    },
  ]);
}

/** What a bulk upload did, in a sentence: it never claims an upload that created nothing. */
function uploadMessage(r: { created: number; skipped: number; errors: unknown[] }): string {
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`;
  const parts = [`${rows(r.created)} created`];
  if (r.skipped > 0) parts.push(`${rows(r.skipped)} skipped (e-mail already exists)`);
  if (r.errors.length > 0) parts.push(`${rows(r.errors.length)} failed validation`);
  return r.errors.length === 0 && r.skipped === 0 ? 'Customers uploaded' : `Customers uploaded: ${parts.join(', ')}`;
}

/**
 * The search text is matched in its normalised form (accents split off, then
 * dropped; compatibility characters expanded): one character can become
 * eighteen, so the 200-character bound holds after normalisation too, or a
 * short query could cost a long trigram scan.
 */
export function checkSearchLength(search: string): void {
  const normalised = Array.from(searchKey(search)).length;
  if (normalised <= MAX_SEARCH_LENGTH) return;
  throw new RequestValidationError([
    {
      type: 'string_too_long',
      loc: ['query', 'search'],
      msg: `String should have at most ${MAX_SEARCH_LENGTH} characters once normalised (this one has ${normalised})`,
      input: search,
      ctx: { max_length: MAX_SEARCH_LENGTH },
    },
  ]);
}

/** The list's own checks of its filters and order (shared by the list and the export). */
function checkListQuery(q: { sort_by?: string | undefined; search?: string | undefined }): void {
  if (q.sort_by === RELEVANCE && q.search === undefined) throw relevanceWithoutSearch();
  if (q.search !== undefined) checkSearchLength(q.search);
}

/** An export is the whole list, forward: pagination parameters would be quietly ignored, so they are refused. */
function refusePaging(query: unknown): void {
  const q = (query ?? {}) as Record<string, unknown>;
  const given = PAGING_PARAMS.filter((name) => q[name] !== undefined);
  if (given.length === 0) return;
  throw new RequestValidationError(
    given.map((name) => ({
      type: 'value_error',
      loc: ['query', name],
      msg: `Value error, an export is the whole list: ${name} is not accepted (filters, search, sort_by and descending are)`,
      input: q[name],
      ctx: { error: 'not accepted by an export' },
    })),
  );
}

const filtersOf = (q: CustomerExportParams): CustomerFilters => ({
  id: q.id,
  email: q.email,
  status: q.status,
  search: q.search,
});
const orderOf = (q: CustomerExportParams): CustomerOrder => ({
  sortBy: q.sort_by ?? 'created_at',
  descending: q.descending ?? true,
});

/** An export's query as a ticket keeps it: the given fields only. */
function exportParams(q: CustomerExportParams): CustomerExportParams {
  return Object.fromEntries(
    Object.entries(filtersOf(q))
      .concat([
        ['sort_by', q.sort_by],
        ['descending', q.descending],
      ])
      .filter(([, v]) => v !== undefined),
  ) as CustomerExportParams;
}

const CSV_RESPONSE = {
  description: 'Successful Response',
  content: {
    'text/csv': {
      schema: Type.String({
        description:
          "The customers as CSV: a header line with the bulk-upload template's columns, then one line per customer",
      }),
    },
  },
};

/** Streams an export: a download, read batch by batch as the client takes it. */
async function sendExport(
  req: FastifyRequest,
  reply: FastifyReply,
  ctx: TenantContext,
  q: CustomerExportParams,
): Promise<FastifyReply> {
  const chunks = await req.services.customers.exportCsv(ctx, filtersOf(q), orderOf(q), clientGone(reply));
  const date = new Date().toISOString().slice(0, 10);
  // Bytes, not objects: the stream reads ahead one batch at most. An error after the first byte
  // destroys the connection (Fastify, for a stream whose headers went out): the client sees a
  // broken transfer, never a file that looks whole.
  const body = Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="customers-${date}.csv"`)
    .header('cache-control', 'no-store')
    .send(body);
}

export interface CustomerRouteOptions {
  /** The server's public address, for export links; default the listening address. */
  publicUrl?: string | undefined;
  /** How long an export link may be used, ms. */
  exportLinkTtlMs: number;
}

/** Endpoints 1–7: customers; and their export. */
export const customerRoutes: FastifyPluginAsyncTypebox<CustomerRouteOptions> = async (
  app,
  { publicUrl, exportLinkTtlMs },
) => {
  app.get(
    '/',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'get_customers_api_v1_customers_get',
        summary: 'List customers',
        description:
          "The business's customers (soft-deleted ones excluded), filtered and paginated, newest first unless `sort_by` says otherwise — with `search` too. `sort_by=relevance` (only with `search`) puts the best matches first.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: CustomerListQuery,
        response: {
          200: Envelope(PaginatedOf(CustomerSchema, 'CustomerListResponse')),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      checkListQuery(q);
      // The response schema documents the page; without a search PostgreSQL may write it (see PageJson).
      const page = await req.services.customers.page(
        tenantOf(req),
        { id: q.id, email: q.email, status: q.status, search: q.search },
        pageParams(q),
        clientGone(reply),
      );
      return sendPage(reply, page, 'Customers retrieved');
    },
  );

  app.post(
    '/',
    {
      config: { access: 'write' },
      schema: {
        operationId: 'create_customer_api_v1_customers_post',
        summary: 'Create customer',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        body: CustomerCreateSchema,
        response: {
          201: Envelope(CustomerSchema),
          ...errorResponses(409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const customer = await req.services.customers.create(tenantOf(req), req.body);
      return reply.code(201).send(ok(customer, 'Customer created', 'CREATED'));
    },
  );

  app.post(
    '/bulk-upload',
    {
      config: { access: 'bulk', multipart: true },
      schema: {
        operationId: 'bulk_upload_customers_api_v1_customers_bulk_upload_post',
        summary: 'Bulk upload customers',
        description: `A CSV in the multipart field \`file\` (at most 5 MB and ${MAX_IMPORT_ROWS} data rows). The header names create-body fields; each row is validated like a create body. Valid rows are created in one transaction; rows whose e-mail exists (in the business or earlier in the file) are skipped; invalid rows are reported by data-row number.`,
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        consumes: ['multipart/form-data'],
        body: Type.Object({ file: Type.String({ format: 'binary', description: 'The CSV file' }) }),
        response: {
          201: Envelope(BulkUploadResultSchema),
          ...errorResponses(413, 415),
        },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new HttpError(415, SEND_MULTIPART);
      }
      const part = await req.file().catch((err: unknown) => {
        throw malformedMultipart(err);
      });
      if (part?.fieldname !== 'file') {
        part?.file.resume();
        throw new RequestValidationError([
          { type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null },
        ]);
      }
      try {
        const result = await req.services.bulkImport(tenantOf(req), csvRecords(whole(part.file)), {
          maxRows: MAX_IMPORT_ROWS,
          statementTimeoutMs: req.services.longStatementTimeoutMs,
          mode: 'all-or-nothing',
        });
        return reply.code(201).send(ok(result, uploadMessage(result), 'CREATED'));
      } finally {
        // Whatever stopped the import, read the rest of the upload so the connection stays usable.
        part.file.resume();
      }
    },
  );

  app.get(
    '/bulk-upload/template',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'download_customer_bulk_upload_template_api_v1_customers_bulk_upload_template_get',
        summary: 'Download customer bulk upload template',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        response: {
          200: Envelope(BulkUploadTemplateSchema),
          ...errorResponses(),
        },
      },
    },
    async () => ok(importTemplate(), 'Template retrieved'),
  );

  app.get(
    '/export',
    {
      // A file of every customer is sent `no-store`: no validator, nothing for a cache to keep.
      config: { access: 'read', conditional: false },
      schema: {
        operationId: 'export_customers_api_v1_customers_export_get',
        summary: 'Export customers as CSV',
        description:
          "The customers the list would return with the same filters, `search` and order — all of them, streamed as `text/csv` in the bulk-upload template's columns, so an export uploads again. A cell that a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`, which bulk upload takes off again. `cursor`, `limit`, `direction` and `include_total_count` → 422. An error after the first byte aborts the connection: a download that completes is the whole export.",
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: CustomerExportQuery,
        response: { 200: CSV_RESPONSE, ...errorResponses() },
      },
    },
    async (req, reply) => {
      refusePaging(req.query);
      checkListQuery(req.query);
      return await sendExport(req, reply, tenantOf(req), req.query);
    },
  );

  app.post(
    '/export-links',
    {
      // The answer carries the ticket's secret, which is never stored: no Idempotency-Key.
      config: { access: 'read', idempotency: 'refuse' },
      schema: {
        operationId: 'create_customer_export_link_api_v1_customers_export_links_post',
        summary: 'Create a single-use export link',
        description:
          'A link to download one export (the same query parameters as `GET /api/v1/customers/export`) by navigation, with no other credential: single use, valid for 60 seconds unless the operator sets `EXPORT_LINK_SECONDS`. A used, expired or unknown link → 401. The answer is the only time the secret is shown.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        querystring: CustomerExportQuery,
        response: {
          201: Envelope(CustomerExportLinkSchema),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      refusePaging(req.query);
      checkListQuery(req.query);
      const link = await req.services.exportLinks.create({
        businessId: tenantOf(req).businessId,
        userId: callerOf(req).userId,
        query: exportParams(req.query),
        ttlMs: exportLinkTtlMs,
        baseUrl: baseUrlOf(app as unknown as FastifyInstance, publicUrl),
      });
      return reply.code(201).send(ok(link, 'Export link created', 'CREATED'));
    },
  );

  app.get(
    '/:customer_id',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'get_customer_api_v1_customers__customer_id__get',
        summary: 'Get customer',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        response: { 200: Envelope(CustomerSchema), ...errorResponses() },
      },
    },
    async (req) => ok(await req.services.customers.get(tenantOf(req), req.params.customer_id), 'Customer retrieved'),
  );

  app.put(
    '/:customer_id',
    {
      config: { access: 'write' },
      schema: {
        operationId: 'update_customer_api_v1_customers__customer_id__put',
        summary: 'Update customer',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        body: CustomerUpdateSchema,
        response: {
          200: Envelope(CustomerSchema),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req) =>
      ok(
        await req.services.customers.update(tenantOf(req), req.params.customer_id, req.body),
        'Customer updated',
        'UPDATED',
      ),
  );

  app.delete(
    '/:customer_id',
    {
      config: { access: 'delete' },
      schema: {
        operationId: 'delete_customer_api_v1_customers__customer_id__delete',
        summary: 'Delete customer',
        description: 'Soft delete: the customer leaves lists but can still be fetched; its contacts become read-only.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        response: { 200: DeletedEnvelope, ...errorResponses() },
      },
    },
    async (req) => {
      await req.services.customers.remove(tenantOf(req), req.params.customer_id);
      return deleted('Customer deleted');
    },
  );
};

/**
 * Where an export link leads (`/api/v1/export-links/{secret}`): outside `/customers/`, so no
 * path of it reads like a customer's.
 */
export const exportLinkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/export-links/:secret',
    {
      // The ticket is the credential: single use, short-lived, looked up by its business and hash.
      config: { access: 'public' },
      schema: {
        operationId: 'download_customer_export_api_v1_export_links__secret__get',
        summary: 'Download an export by its link',
        description:
          'Streams the export the link was made for, as `GET /api/v1/customers/export` would. Single use: a used, expired or unknown link → 401.',
        tags,
        // No credential but the ticket in the path.
        security: [],
        params: Type.Object({ secret: Type.String() }),
        response: { 200: CSV_RESPONSE, ...tokenErrorResponses() },
      },
    },
    async (req, reply) => {
      const ticket = await req.services.exportLinks.redeem(req.params.secret);
      checkListQuery(ticket.query);
      return await sendExport(req, reply, { businessId: ticket.businessId, actorEmail: null }, ticket.query);
    },
  );
};
