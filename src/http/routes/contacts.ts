import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../app.js';
import { AuthHeaders, DeletedEnvelope, Envelope, errorResponses, PaginatedOf } from '../schemas/common.js';
import {
  Contact,
  ContactCreate,
  ContactIdParams,
  ContactListQuery,
  ContactUpdate,
  CustomerIdParams,
} from '../schemas/contacts.js';
import { deleted, ok, pageParams, SECURITY } from './common.js';

const tags = ['customers'];

/** Endpoints 8–12: a customer's contacts. */
export const contactRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { contacts } = services;

  app.get(
    '/:customer_id/contacts',
    {
      config: { permission: 'read' },
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
          200: Envelope(PaginatedOf(Contact), { message: 'Contacts retrieved', code: 'OK' }),
          ...errorResponses(),
        },
      },
    },
    async (req) =>
      ok(await contacts.list(req.tenant, req.params.customer_id, pageParams(req.query)), 'Contacts retrieved'),
  );

  app.post(
    '/:customer_id/contacts',
    {
      config: { permission: 'write' },
      schema: {
        operationId: 'create_contact_api_v1_customers__customer_id__contacts_post',
        summary: 'Create customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        body: ContactCreate,
        response: {
          201: Envelope(Contact, { message: 'Contact created', code: 'CREATED' }),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const contact = await contacts.create(req.tenant, req.params.customer_id, req.body);
      return reply.code(201).send(ok(contact, 'Contact created', 'CREATED'));
    },
  );

  app.get(
    '/:customer_id/contacts/:contact_id',
    {
      config: { permission: 'read' },
      schema: {
        operationId: 'get_contact_api_v1_customers__customer_id__contacts__contact_id__get',
        summary: 'Get customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: ContactIdParams,
        response: { 200: Envelope(Contact, { message: 'Contact retrieved', code: 'OK' }), ...errorResponses() },
      },
    },
    async (req) =>
      ok(await contacts.get(req.tenant, req.params.customer_id, req.params.contact_id), 'Contact retrieved'),
  );

  app.put(
    '/:customer_id/contacts/:contact_id',
    {
      config: { permission: 'write' },
      schema: {
        operationId: 'update_contact_api_v1_customers__customer_id__contacts__contact_id__put',
        summary: 'Update customer contact',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: ContactIdParams,
        body: ContactUpdate,
        response: {
          200: Envelope(Contact, { message: 'Contact updated', code: 'UPDATED' }),
          ...errorResponses(400, 409, 413, 415),
        },
      },
    },
    async (req) =>
      ok(
        await contacts.update(req.tenant, req.params.customer_id, req.params.contact_id, req.body),
        'Contact updated',
        'UPDATED',
      ),
  );

  app.delete(
    '/:customer_id/contacts/:contact_id',
    {
      config: { permission: 'delete' },
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
      await contacts.remove(req.tenant, req.params.customer_id, req.params.contact_id);
      return deleted('Contact deleted');
    },
  );
};
