import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { tenantOf } from '../../http/access.js';
import { HttpError, malformedMultipart, SEND_MULTIPART } from '../../http/errors.js';
import { clientGone, deleted, ok, pageParams, SECURITY } from '../../http/responses.js';
import { AuthHeaders, DeletedEnvelope, Envelope, errorResponses, PaginatedOf } from '../../http/schemas.js';
import { RequestValidationError } from '../../http/validation.js';
import { searchKey } from '../../platform/text.js';
import { CustomerIdParams } from '../contacts/schemas.js';
import { importTemplate, MAX_IMPORT_ROWS } from './bulk-import.js';
import { csvRecords } from './csv.js';
import {
  BulkUploadResultSchema,
  BulkUploadTemplateSchema,
  CUSTOMER_SORT_NAMES,
  CustomerCreateSchema,
  CustomerListQuery,
  CustomerSchema,
  CustomerUpdateSchema,
  MAX_SEARCH_LENGTH,
  RELEVANCE,
} from './schemas.js';

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

/** Endpoints 1–7: customers. */
export const customerRoutes: FastifyPluginAsyncTypebox = async (app) => {
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
      if (q.sort_by === RELEVANCE && q.search === undefined) throw relevanceWithoutSearch();
      if (q.search !== undefined) checkSearchLength(q.search);
      const page = await req.services.customers.list(
        tenantOf(req),
        { id: q.id, email: q.email, status: q.status, search: q.search },
        pageParams(q),
        clientGone(reply),
      );
      return ok(page, 'Customers retrieved');
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
