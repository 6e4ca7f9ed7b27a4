import type { InjectOptions } from 'fastify';
import type { Permission } from '../../src/resources/businesses/roles.js';
import { multipart } from './harness.js';

export interface Ids {
  /** The caller's business (routes that name a business). */
  businessId?: string;
  customerId: string;
  contactId: string;
}

export interface RouteCase {
  name: string;
  /** What the caller needs: a role allowing this permission in the business, or just a token. */
  permission: Permission | 'token';
  /** The route names a customer (and maybe a contact): the tenant-isolation suite tries other tenants' ids. */
  idBearing: boolean;
  request(ids: Ids, headers: Record<string, string>): InjectOptions;
  /** The status of a successful call. */
  ok: number;
}

/** The routes anyone may call, without a token (test/structure.test.ts holds the app to this list). */
export const PUBLIC_ROUTES = [
  'GET /',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'GET /metrics',
  'GET /docs/',
  'GET /docs/js/scalar.js',
];

/**
 * Every authenticated route, for the shared auth and tenant-isolation suites.
 * A route added to the API must be added here (test/structure.test.ts fails
 * until it is), and both suites then cover it.
 */
export const ROUTES: RouteCase[] = [
  {
    name: 'GET /api/v1/businesses',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/businesses?sort_by=name', headers }),
  },
  {
    name: 'GET /api/v1/businesses/{business_id}',
    permission: 'token',
    idBearing: false,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/businesses/${ids.businessId ?? 'missing'}`, headers }),
  },
  {
    name: 'GET /api/v1/customers',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/customers?search=route', headers }),
  },
  {
    name: 'POST /api/v1/customers/bulk-upload',
    permission: 'bulk',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => {
      const m = multipart(`name,email\nBulk Route,bulk-${Math.random().toString(36).slice(2)}@example.com\n`);
      return {
        method: 'POST',
        url: '/api/v1/customers/bulk-upload',
        headers: { ...headers, ...m.headers },
        payload: m.payload,
      };
    },
  },
  {
    name: 'GET /api/v1/customers/bulk-upload/template',
    permission: 'read',
    idBearing: false,
    ok: 200,
    request: (_ids, headers) => ({ method: 'GET', url: '/api/v1/customers/bulk-upload/template', headers }),
  },
  {
    name: 'PUT /api/v1/customers/{customer_id}',
    permission: 'write',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'PUT',
      url: `/api/v1/customers/${ids.customerId}`,
      headers,
      payload: { notes: 'changed' },
    }),
  },
  {
    name: 'DELETE /api/v1/customers/{customer_id}',
    permission: 'delete',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'DELETE', url: `/api/v1/customers/${ids.customerId}`, headers }),
  },
  {
    name: 'POST /api/v1/customers',
    permission: 'write',
    idBearing: false,
    ok: 201,
    request: (_ids, headers) => ({
      method: 'POST',
      url: '/api/v1/customers',
      headers,
      payload: { name: 'Route Co', email: `route-${Math.random().toString(36).slice(2)}@example.com` },
    }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/customers/${ids.customerId}`, headers }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}/contacts',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({ method: 'GET', url: `/api/v1/customers/${ids.customerId}/contacts`, headers }),
  },
  {
    name: 'POST /api/v1/customers/{customer_id}/contacts',
    permission: 'write',
    idBearing: true,
    ok: 201,
    request: (ids, headers) => ({
      method: 'POST',
      url: `/api/v1/customers/${ids.customerId}/contacts`,
      headers,
      payload: { name: 'Route Contact' },
    }),
  },
  {
    name: 'GET /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'read',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'GET',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
    }),
  },
  {
    name: 'PUT /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'write',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'PUT',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
      payload: { notes: 'changed' },
    }),
  },
  {
    name: 'DELETE /api/v1/customers/{customer_id}/contacts/{contact_id}',
    permission: 'delete',
    idBearing: true,
    ok: 200,
    request: (ids, headers) => ({
      method: 'DELETE',
      url: `/api/v1/customers/${ids.customerId}/contacts/${ids.contactId}`,
      headers,
    }),
  },
];
