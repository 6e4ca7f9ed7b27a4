import Type, { type Static, type TSchema } from 'typebox';
import { component, Email, Id, Name, Nullable, PageQuery, StringEnum, Timestamp } from '../../platform/schema.js';
import { Secret } from '../../platform/secret.js';
import { CustomerContactSchema } from '../contacts/schemas.js';

const CUSTOMER_STATUSES = ['active', 'inactive', 'blocked'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** Sorts of the customers list; `amount` is DayZero's alias of `credit_limit_cents`. */
const CUSTOMER_COLUMN_SORTS = ['created_at', 'updated_at', 'name', 'email', 'credit_limit_cents', 'status'] as const;
export type CustomerSort = (typeof CUSTOMER_COLUMN_SORTS)[number];
export const CUSTOMER_SORT_ALIASES: Record<string, CustomerSort> = { amount: 'credit_limit_cents' };
/** The longest search text, in characters, as sent and once normalised. */
export const MAX_SEARCH_LENGTH = 200;

/** Best match first: our extension, allowed only together with `search`. */
export const RELEVANCE = 'relevance';
export const CUSTOMER_SORT_NAMES = [...CUSTOMER_COLUMN_SORTS, ...Object.keys(CUSTOMER_SORT_ALIASES), RELEVANCE];

/** DayZero's CounterpartyStatus, shared by customers and vendors. */
const CounterpartyStatusSchema = StringEnum(CUSTOMER_STATUSES, component('CounterpartyStatus'));

/** A customer as the API returns it (DayZero's CustomerResponse). */
export const CustomerSchema = Type.Object(
  {
    id: Id,
    business_id: Id,
    created_at: Timestamp,
    updated_at: Timestamp,
    name: Type.String({ examples: ['Acme Corp'] }),
    email: Type.String({ examples: ['billing@acme.example'] }),
    address: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    tax_id: Nullable(Type.String()),
    website: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    credit_limit_cents: Nullable(Type.Integer(), { description: 'Integer cents' }),
    default_payment_term_id: Nullable(Type.String()),
    status: CounterpartyStatusSchema,
    category: Nullable(Type.String()),
    is_deleted: Type.Boolean(),
    deleted_at: Nullable(Timestamp),
    stripe_customer_id: Nullable(Type.String()),
    invoice_footer: Nullable(Type.String()),
    contacts: Nullable(Type.Array(CustomerContactSchema), {
      description:
        'Primary first, then newest, at most 1,000 (the contacts list pages through all); filled when one customer is fetched or updated, [] on create, null in lists',
    }),
  },
  component('CustomerResponse'),
);
export type Customer = Static<typeof CustomerSchema>;

const text = (maxLength: number, trim = false) =>
  Type.Optional(Nullable(Type.String({ maxLength, ...(trim ? { 'x-trim': true } : {}) })));

const email = { ...Email, description: 'Unique among live customers, case-insensitively' };
const optionalFields = {
  address: text(1000),
  phone: text(50, true),
  tax_id: text(100, true),
  website: text(2048, true),
  notes: text(10_000),
  credit_limit_cents: Type.Optional(
    Nullable(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Integer cents' })),
  ),
  default_payment_term_id: text(255, true),
  category: text(100, true),
  invoice_footer: text(10_000),
};

/** The fields a caller sets: a customer's but its id, business, timestamps, deletion, Stripe id and contacts. */
type CustomerSettable = Exclude<
  keyof Customer,
  'id' | 'business_id' | 'created_at' | 'updated_at' | 'is_deleted' | 'deleted_at' | 'stripe_customer_id' | 'contacts'
>;

export const CustomerCreateSchema = Type.Object(
  {
    name: Name,
    email,
    ...optionalFields,
    // Left out → 'active' (applied by the service). Not a schema `default`: generated clients
    // would then make the field required in the request type.
    status: Type.Optional(CounterpartyStatusSchema),
  } satisfies Record<CustomerSettable, TSchema>,
  component('CustomerCreateRequest'),
);
export type CustomerInput = Static<typeof CustomerCreateSchema>;

/** The create body's fields, each optional. */
export const CustomerUpdateSchema = Type.Partial(CustomerCreateSchema, {
  ...component('CustomerUpdateRequest'),
  description: 'Partial: a field left out is unchanged; null clears an optional field',
});
export type CustomerPatch = Static<typeof CustomerUpdateSchema>;

/** The list's filters (an export and its links take the same). */
const CUSTOMER_FILTERS = {
  id: Type.Optional(Type.String({ format: 'uuid', description: 'Exact customer id' })),
  email: Type.Optional(Type.String({ maxLength: 320, description: 'Exact e-mail, case-insensitive' })),
  status: Type.Optional(CounterpartyStatusSchema),
  search: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: MAX_SEARCH_LENGTH,
      'x-trim': true,
      description:
        'Fuzzy and substring match on the name, case- and accent-insensitive; at most 200 characters, also once normalised',
    }),
  ),
};

export const CustomerListQuery = PageQuery(
  CUSTOMER_SORT_NAMES,
  CUSTOMER_FILTERS,
  "Column name to sort by: 'created_at', 'updated_at', 'name', 'email', 'credit_limit_cents' (alias 'amount'), 'status', or 'relevance' (best match first; only with search). When changing sort, reset cursor to None.",
);

/** The pagination parameters an export refuses: it is the whole list, always forward (cursor and limit → 422). */
export const PAGING_PARAMS = ['cursor', 'limit', 'direction', 'include_total_count'] as const;

/** An export's query: the list's filters and order, without its pagination. */
export const CustomerExportQuery = Type.Object({
  ...CUSTOMER_FILTERS,
  sort_by: CustomerListQuery.properties.sort_by,
  descending: CustomerListQuery.properties.descending,
});
export type CustomerExportParams = Static<typeof CustomerExportQuery>;

/** A single-use export link: its secret is shown only here. */
export const CustomerExportLinkSchema = Type.Object(
  {
    url: Secret({ description: 'GET it (once, before `expires_at`) to download the export; it is the credential' }),
    secret: Secret({ description: 'The ticket (`dzx_…`): the last segment of `url`' }),
    expires_at: Timestamp,
  },
  component('CustomerExportLinkResponse'),
);

const BulkError = Type.Object({
  row: Type.Integer({ description: '1-based number of the data row (the first row after the header is 1)' }),
  error: Type.String(),
});

export const BulkUploadResultSchema = Type.Object(
  {
    created: Type.Integer(),
    skipped: Type.Integer({ description: 'Rows whose e-mail already exists in the business or earlier in the file' }),
    errors: Type.Array(BulkError),
  },
  component('CustomerBulkUploadResponse'),
);

export const BulkUploadTemplateSchema = Type.Object(
  {
    template_name: Type.String({ examples: ['customers'] }),
    csv_content_stringified: Type.String(),
    csv_content_object: Type.Array(Type.Object({}, { additionalProperties: Type.String() })),
    csv_content_base64: Type.String(),
    xls_content_base64: Nullable(Type.String()),
  },
  component('TemplateResponse'),
);
