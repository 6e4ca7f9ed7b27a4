/**
 * The MCP tools: each is the twin of one REST endpoint, with the same schemas
 * (its arguments are the endpoint's path parameters and query or body fields,
 * from the same TypeBox definitions), the same checks and the same service
 * call. What a tool answers (`structuredContent`) is the REST answer's `data`.
 */
import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { pageParams } from '../http/responses.js';
import { PaginatedOf } from '../http/schemas.js';
import type { TenantContext } from '../platform/tenant.js';
import type { Permission } from '../resources/businesses/roles.js';
import { type Business, BusinessListQuery, BusinessSchema } from '../resources/businesses/schemas.js';
import {
  type Contact,
  ContactCreateSchema,
  ContactIdParams,
  type ContactInput,
  ContactListQuery,
  ContactSchema,
  ContactUpdateSchema,
  CustomerIdParams,
} from '../resources/contacts/schemas.js';
import { checkSearchLength, relevanceWithoutSearch } from '../resources/customers/routes.js';
import {
  CustomerCreateSchema,
  type CustomerInput,
  CustomerListQuery,
  CustomerSchema,
  CustomerUpdateSchema,
  RELEVANCE,
} from '../resources/customers/schemas.js';
import { type Event, EventListQuery, EventPageSchema } from '../resources/events/schemas.js';
import type { Services } from '../services.js';

/** What a tool runs with: the services of this call, its business (tools that need one), its caller. */
interface ToolRun {
  services: Services;
  tenant: TenantContext;
  userId: string;
}

interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint: false;
}

export interface Tool {
  name: string;
  description: string;
  /** What the caller's role must allow in the business; `token`: no business (the caller's own). */
  access: Permission | 'token';
  /** A write: takes `idempotency_key`. */
  write: boolean;
  /** The arguments (business_id and idempotency_key included), as TypeBox made them: the validator reads `x-trim`. */
  input: TSchema & { properties: Record<string, TSchema> };
  output: TSchema;
  annotations: ToolAnnotations;
  /** The fields of the REST body among the arguments (writes), handed to the service as its input. */
  bodyFields?: readonly string[];
  run(r: ToolRun, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  text(data: Record<string, unknown>): string;
}

/** A tool, typed by its arguments' schema and its answer (the table below holds them erased). */
function tool<I extends TObject, D extends object>(
  t: Omit<Tool, 'input' | 'run' | 'text'> & {
    input: I;
    run(r: ToolRun, args: Static<I>): Promise<D>;
    text(data: D): string;
  },
): Tool {
  return t as unknown as Tool;
}

const BusinessArg = {
  business_id: Type.Optional(
    Type.String({
      format: 'uuid',
      description:
        'The business (tenant) to act in; default the x-business-id header (or CUSTOMERS_API_BUSINESS_ID). list_businesses lists yours',
    }),
  ),
};

const IdempotencyArg = {
  idempotency_key: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Makes a retry safe: a later call with the same key and arguments gets the first answer and does nothing (kept 24 hours, per business)',
    }),
  ),
};

const readOnly = (title: string): ToolAnnotations => ({ title, readOnlyHint: true, openWorldHint: false });
const writing = (title: string, destructive: boolean, idempotent: boolean): ToolAnnotations => ({
  title,
  readOnlyHint: false,
  destructiveHint: destructive,
  idempotentHint: idempotent,
  openWorldHint: false,
});

/** The body of a write: only the REST body's fields among the arguments. */
function bodyOf<T extends object>(a: T, fields: readonly string[]): Partial<T> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = (a as Record<string, unknown>)[f];
    if (value !== undefined) body[f] = value;
  }
  return body as Partial<T>;
}

const DeletedSchema = Type.Object({ id: Type.String(), deleted: Type.Literal(true) });

const one = (c: { name: string; email: string | null; id: string }) =>
  `${c.name}${c.email ? ` <${c.email}>` : ''} (id ${c.id})`;

const contactLine = (k: { name: string; email: string | null; id: string; role: string | null; is_primary: boolean }) =>
  `${one(k)}${k.role ? `, ${k.role}` : ''}${k.is_primary ? ', primary' : ''}`;

/** A page's short text: how many, each item's line, and where the next page is. */
function pageText<T>(noun: string, line: (item: T) => string) {
  return (page: { items: T[]; has_next: boolean; next_cursor: string | null; total: number | null }) => {
    const head = `${page.items.length} ${noun}${page.items.length === 1 ? '' : 's'}${page.total === null ? '' : ` of ${page.total}`}`;
    const more = page.has_next ? `\nMore: pass cursor=${page.next_cursor}` : '';
    return `${head}${page.items.length ? ':' : '.'}\n${page.items.map((i) => `- ${line(i)}`).join('\n')}${more}`.replace(
      /\n\n/,
      '\n',
    );
  };
}

const customerBody = Object.keys(CustomerCreateSchema.properties);
const contactBody = Object.keys(ContactUpdateSchema.properties);

export const TOOLS: Tool[] = [
  tool({
    name: 'list_businesses',
    description:
      "The businesses the token's user belongs to, with the user's role in each (GET /api/v1/businesses). Their ids are the business_id of every other tool.",
    access: 'token',
    write: false,
    input: Type.Object({ ...BusinessListQuery.properties }),
    output: PaginatedOf(BusinessSchema, 'BusinessCursorListResponse'),
    annotations: readOnly('List businesses'),
    run: (r, a) => r.services.businesses.list(r.userId, { id: a.id, name: a.name }, pageParams(a)),
    text: pageText<Business>('business', (b) => `${b.name} (id ${b.id}, role ${b.role})`),
  }),
  tool({
    name: 'search_customers',
    description:
      "The business's customers (GET /api/v1/customers): fuzzy search on the name, filters by id, e-mail and status, sorts, and cursor pagination (pass next_cursor back as cursor). Lists leave out contacts: get_customer has them.",
    access: 'read',
    write: false,
    input: Type.Object({ ...BusinessArg, ...CustomerListQuery.properties }),
    output: PaginatedOf(CustomerSchema, 'CustomerListResponse'),
    annotations: readOnly('Search customers'),
    run: async (r, a) => {
      if (a.sort_by === RELEVANCE && a.search === undefined) throw relevanceWithoutSearch();
      if (a.search !== undefined) checkSearchLength(a.search);
      return await r.services.customers.list(
        r.tenant,
        { id: a.id, email: a.email, status: a.status, search: a.search },
        pageParams(a),
      );
    },
    text: pageText('customer', one),
  }),
  tool({
    name: 'get_customer',
    description: 'One customer with its contacts, primary first (GET /api/v1/customers/{customer_id}).',
    access: 'read',
    write: false,
    input: Type.Object({ ...BusinessArg, ...CustomerIdParams.properties }),
    output: CustomerSchema,
    annotations: readOnly('Get a customer'),
    run: async (r, a) => await r.services.customers.get(r.tenant, a.customer_id),
    text: (c) =>
      `${one(c)}, ${c.status}${c.is_deleted ? ', deleted' : ''}. Contacts: ${
        c.contacts?.length ? c.contacts.map(contactLine).join('; ') : 'none'
      }`,
  }),
  tool({
    name: 'create_customer',
    description: 'Creates a customer (POST /api/v1/customers); the e-mail is unique among live customers.',
    access: 'write',
    write: true,
    input: Type.Object({ ...BusinessArg, ...CustomerCreateSchema.properties, ...IdempotencyArg }),
    output: CustomerSchema,
    annotations: writing('Create a customer', false, false),
    bodyFields: customerBody,
    run: async (r, a) => await r.services.customers.create(r.tenant, bodyOf(a, customerBody) as CustomerInput),
    text: (c) => `Customer created: ${one(c)}`,
  }),
  tool({
    name: 'update_customer',
    description:
      'Changes the fields given of a customer (PUT /api/v1/customers/{customer_id}); a field left out is unchanged, null clears an optional one.',
    access: 'write',
    write: true,
    input: Type.Object({
      ...BusinessArg,
      ...CustomerIdParams.properties,
      ...CustomerUpdateSchema.properties,
      ...IdempotencyArg,
    }),
    output: CustomerSchema,
    annotations: writing('Update a customer', true, true),
    bodyFields: customerBody,
    run: async (r, a) => await r.services.customers.update(r.tenant, a.customer_id, bodyOf(a, customerBody)),
    text: (c) => `Customer updated: ${one(c)}`,
  }),
  tool({
    name: 'delete_customer',
    description:
      'Deletes a customer (DELETE /api/v1/customers/{customer_id}; soft: it leaves lists, get_customer still finds it, its contacts become read-only). Needs the admin role.',
    access: 'delete',
    write: true,
    input: Type.Object({ ...BusinessArg, ...CustomerIdParams.properties, ...IdempotencyArg }),
    output: DeletedSchema,
    annotations: writing('Delete a customer', true, true),
    run: async (r, a) => {
      await r.services.customers.remove(r.tenant, a.customer_id);
      return { id: a.customer_id, deleted: true };
    },
    text: (d) => `Customer ${d.id} deleted`,
  }),
  tool({
    name: 'list_contacts',
    description: "A customer's contacts, paginated (GET /api/v1/customers/{customer_id}/contacts).",
    access: 'read',
    write: false,
    input: Type.Object({ ...BusinessArg, ...CustomerIdParams.properties, ...ContactListQuery.properties }),
    output: PaginatedOf(ContactSchema, 'EntityContactListResponse'),
    annotations: readOnly('List contacts'),
    run: async (r, a) => await r.services.contacts.list(r.tenant, a.customer_id, pageParams(a)),
    text: pageText<Contact>(
      'contact',
      (k) => `${one(k)}${k.role ? `, ${k.role}` : ''}${k.is_primary ? ', primary' : ''}`,
    ),
  }),
  tool({
    name: 'create_contact',
    description:
      'Adds a contact to a customer (POST /api/v1/customers/{customer_id}/contacts); is_primary=true demotes the previous primary.',
    access: 'write',
    write: true,
    input: Type.Object({
      ...BusinessArg,
      ...CustomerIdParams.properties,
      ...ContactCreateSchema.properties,
      ...IdempotencyArg,
    }),
    output: ContactSchema,
    annotations: writing('Create a contact', false, false),
    bodyFields: contactBody,
    run: async (r, a) =>
      await r.services.contacts.create(r.tenant, a.customer_id, bodyOf(a, contactBody) as ContactInput),
    text: (k) => `Contact created: ${one(k)}`,
  }),
  tool({
    name: 'update_contact',
    description:
      "Changes the fields given of a customer's contact (PUT /api/v1/customers/{customer_id}/contacts/{contact_id}).",
    access: 'write',
    write: true,
    input: Type.Object({
      ...BusinessArg,
      ...ContactIdParams.properties,
      ...ContactUpdateSchema.properties,
      ...IdempotencyArg,
    }),
    output: ContactSchema,
    annotations: writing('Update a contact', true, true),
    bodyFields: contactBody,
    run: async (r, a) =>
      await r.services.contacts.update(r.tenant, a.customer_id, a.contact_id, bodyOf(a, contactBody)),
    text: (k) => `Contact updated: ${one(k)}`,
  }),
  tool({
    name: 'delete_contact',
    description:
      "Deletes a customer's contact (DELETE /api/v1/customers/{customer_id}/contacts/{contact_id}). Needs the admin role.",
    access: 'delete',
    write: true,
    input: Type.Object({ ...BusinessArg, ...ContactIdParams.properties, ...IdempotencyArg }),
    output: DeletedSchema,
    annotations: writing('Delete a contact', true, true),
    run: async (r, a) => {
      await r.services.contacts.remove(r.tenant, a.customer_id, a.contact_id);
      return { id: a.contact_id, deleted: true };
    },
    text: (d) => `Contact ${d.id} deleted`,
  }),
  tool({
    name: 'list_events',
    description:
      "Every change to the business's customers and contacts, oldest first (GET /api/v1/events); filter by type and object_id; next_cursor is never null (poll from it).",
    access: 'read',
    write: false,
    input: Type.Object({ ...BusinessArg, ...EventListQuery.properties }),
    output: EventPageSchema,
    annotations: readOnly('List events'),
    run: async (r, a) =>
      await r.services.events.list(
        r.tenant.businessId,
        { types: a.type, objectId: a.object_id },
        {
          cursor: a.cursor,
          limit: a.limit ?? 50,
          direction: a.direction ?? 'next',
          includeTotalCount: a.include_total_count ?? false,
        },
      ),
    text: pageText<Event>(
      'event',
      (e) => `${e.type} ${String((e.data.object as { id?: string }).id ?? '')} at ${e.created_at} (id ${e.id})`,
    ),
  }),
];

/** A TypeBox schema as plain JSON Schema for MCP clients: our own `x-` annotations left out. */
export function jsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema, (key, value) => (key.startsWith('x-') ? undefined : value)));
}
