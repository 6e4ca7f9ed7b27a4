import Type, { type Static } from 'typebox';
import { component, Id, Nullable, PageQuery, Timestamp } from '../../platform/schema.js';
import { RoleSchema } from '../businesses/schemas.js';

/** A member of the business in `x-business-id`. */
export const MemberSchema = Type.Object(
  {
    user_id: Id,
    email: Type.String({ examples: ['grace@example.com'] }),
    role: RoleSchema,
    created_at: { ...Timestamp, description: 'When the user became a member' },
  },
  component('BusinessUserResponse'),
);
export type Member = Static<typeof MemberSchema>;

/** A member just added: a user created by this request also gets a first token, shown once. */
export const MemberAddedSchema = Type.Object(
  {
    ...MemberSchema.properties,
    token: Nullable(Type.String(), {
      description:
        'Only when the request created the user (added by e-mail, no account yet): their first token, shown once, expiring in 7 days. Otherwise null.',
    }),
    token_expires_at: Nullable(Type.String({ format: 'date-time' }), {
      description: 'When `token` expires; null without one',
    }),
  },
  component('BusinessUserAddResponse'),
);
export type MemberAdded = Static<typeof MemberAddedSchema>;

const role = { ...RoleSchema, description: 'owner, admin, member or viewer. Only an owner grants owner' };

/** DayZero's BusinessUserAddRequest (by user id), or by e-mail (our extension). */
export const MemberAddSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ format: 'uuid', description: "The user's id (DayZero's form). Give `id` or `email`" }),
    ),
    email: Type.Optional(
      Type.String({
        maxLength: 320,
        format: 'email',
        'x-trim': true,
        description: "The user's e-mail (extension): a user without an account is created and gets a first token",
      }),
    ),
    role,
  },
  {
    ...component('BusinessUserAddRequest'),
    examples: [
      { id: '019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e', role: 'member' },
      { email: 'grace@example.com', role: 'viewer' },
    ],
  },
);

export const MemberUpdateSchema = Type.Object({ role }, component('BusinessUserUpdateRequest'));

export const MEMBER_SORT_NAMES = ['created_at', 'email'] as const;
export type MemberSort = (typeof MEMBER_SORT_NAMES)[number];

export const MemberListQuery = PageQuery(
  MEMBER_SORT_NAMES,
  {},
  "Column name to sort by: 'created_at' or 'email'. When changing sort, reset cursor to None.",
);

export const MemberIdParams = Type.Object({ user_id: Type.String() });
