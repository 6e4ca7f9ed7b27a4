import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../app.js';
import { AuthHeaders, Envelope, errorResponses } from '../schemas/common.js';
import { CustomerIdParams } from '../schemas/contacts.js';
import { Customer, CustomerCreate } from '../schemas/customers.js';
import { ok, SECURITY } from './common.js';

const tags = ['customers'];

/** Customers: create (2) and get (3). */
export const customerRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  const { customers } = services;

  app.post(
    '/',
    {
      config: { permission: 'write' },
      schema: {
        operationId: 'create_customer_api_v1_customers_post',
        summary: 'Create customer',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        body: CustomerCreate,
        response: {
          201: Envelope(Customer, { message: 'Customer created', code: 'CREATED' }),
          ...errorResponses(409, 413, 415),
        },
      },
    },
    async (req, reply) => {
      const customer = await customers.create(req.tenant, req.body);
      return reply.code(201).send(ok(customer, 'Customer created', 'CREATED'));
    },
  );

  app.get(
    '/:customer_id',
    {
      config: { permission: 'read' },
      schema: {
        operationId: 'get_customer_api_v1_customers__customer_id__get',
        summary: 'Get customer',
        tags,
        security: SECURITY,
        headers: AuthHeaders,
        params: CustomerIdParams,
        response: { 200: Envelope(Customer, { message: 'Customer retrieved', code: 'OK' }), ...errorResponses() },
      },
    },
    async (req) => ok(await customers.get(req.tenant, req.params.customer_id), 'Customer retrieved'),
  );
};
