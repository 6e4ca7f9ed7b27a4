import Type, { type Static } from 'typebox';
import { component, Id, Name, PageQuery, StringEnum, Timestamp } from '../../platform/schema.js';
import { ROLES } from './roles.js';

/** DayZero's Role. */
export const RoleSchema = StringEnum(ROLES, component('Role'));

/** A business the caller belongs to, with the caller's role there. */
export const BusinessSchema = Type.Object(
  {
    id: Id,
    name: Type.String({ examples: ['Acme Holdings'] }),
    created_at: Timestamp,
    updated_at: Timestamp,
    role: { ...RoleSchema, description: "The caller's role in this business" },
  },
  component('BusinessResponse'),
);
export type Business = Static<typeof BusinessSchema>;

const BUSINESS_SORT_NAMES = ['created_at', 'name'] as const;
export type BusinessSort = (typeof BUSINESS_SORT_NAMES)[number];

/** DayZero's integration filters: they name integrations this server does not have. */
export const UNSUPPORTED_BUSINESS_FILTERS = ['teal_instance', 'stripe_account_id', 'shopify_shop_domain', 'user_id'];

export const BusinessListQuery = PageQuery(BUSINESS_SORT_NAMES, {
  id: Type.Optional(Type.String({ format: 'uuid', description: 'Exact business id' })),
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      'x-trim': true,
      description: 'Part of the name, case-insensitive',
    }),
  ),
});

export const BusinessIdParams = Type.Object({ business_id: Type.String() });

const businessName = { ...Name, examples: ['Acme Holdings'] };

export const BusinessCreateSchema = Type.Object({ name: businessName }, component('BusinessCreateRequest'));
/** A rename: the create body's one field, required here too. */
export const BusinessUpdateSchema = Type.Object(BusinessCreateSchema.properties, component('BusinessUpdateRequest'));
