import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/access.js';
import { deleted, ok, pageParams, SECURITY, sendPage } from '../../http/responses.js';
import { AuthHeaders, DeletedEnvelope, Envelope, errorResponses, PaginatedOf } from '../../http/schemas.js';
import {
  ContactCreateSchema,
  ContactIdParams,
  ContactListQuery,
  ContactSchema,
  ContactUpdateSchema,
  CustomerIdParams,
} from './schemas.js';

const tags = ['customers'];

/** Endpoints 8–12: a customer's contacts. */
export const contactRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:customer_id/contacts',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'list_contacts_api_v1_customers__customer_id__contacts_get',
        summary: 'List customer contacts',
        description: 'Retrieve all contacts for a customer.',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        querystring: ContactListQuery,
        response: {
          200: Envelope(PaginatedOf(ContactSchema, 'EntityContactListResponse')),
          ...errorResponses(),
        },
      },
    },
    // The response schema documents the page; PostgreSQL may write it (see PageJson).
    async (req, reply) =>
      sendPage(
        reply,
        await req.services.contacts.page(tenantOf(req), req.params.customer_id, pageParams(req.query)),
        'Contacts retrieved',
      ),
  );

  app.post(
    '/:customer_id/contacts',
    {
      config: { access: 'write' },
      schema: {
        operationId: 'create_contact_api_v1_customers__customer_id__contacts_post',
        summary: 'Create customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        body: ContactCreateSchema,
        response: {
          201: Envelope(ContactSchema),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const contact = await req.services.contacts.create(tenantOf(req), req.params.customer_id, req.body);
      return reply.code(201).send(ok(contact, 'Contact created', 'CREATED'));
    },
  );

  app.get(
    '/:customer_id/contacts/:contact_id',
    {
      config: { access: 'read' },
      schema: {
        operationId: 'get_contact_api_v1_customers__customer_id__contacts__contact_id__get',
        summary: 'Get customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: ContactIdParams,
        response: { 200: Envelope(ContactSchema), ...errorResponses() },
      },
    },
    async (req) =>
      ok(
        await req.services.contacts.get(tenantOf(req), req.params.customer_id, req.params.contact_id),
        'Contact retrieved',
      ),
  );

  app.put(
    '/:customer_id/contacts/:contact_id',
    {
      config: { access: 'write' },
      schema: {
        operationId: 'update_contact_api_v1_customers__customer_id__contacts__contact_id__put',
        summary: 'Update customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: ContactIdParams,
        body: ContactUpdateSchema,
        response: {
          200: Envelope(ContactSchema),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req) =>
      ok(
        await req.services.contacts.update(tenantOf(req), req.params.customer_id, req.params.contact_id, req.body),
        'Contact updated',
        'UPDATED',
      ),
  );

  app.delete(
    '/:customer_id/contacts/:contact_id',
    {
      config: { access: 'delete' },
      schema: {
        operationId: 'delete_contact_api_v1_customers__customer_id__contacts__contact_id__delete',
        summary: 'Delete customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: ContactIdParams,
        response: { 200: DeletedEnvelope, ...errorResponses(400) },
      },
    },
    async (req) => {
      await req.services.contacts.remove(tenantOf(req), req.params.customer_id, req.params.contact_id);
      return deleted('Contact deleted');
    },
  );
};
