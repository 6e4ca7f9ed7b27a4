import Type, { type Static } from 'typebox';
import { component, Email, Id, PageQuery, Timestamp } from '../../platform/schema.js';
import { RoleSchema } from '../businesses/schemas.js';
import { type InvitationCreated, InvitationCreatedSchema } from '../invitations/schemas.js';

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

/**
 * The answer of `POST /businesses/users`: the Member added by id, or the
 * Invitation made for an e-mail (never a token).
 */
export const MemberAddedSchema = Type.Unsafe<Member | InvitationCreated>({
  oneOf: [MemberSchema, InvitationCreatedSchema],
  description: 'By `id`: the Member added. By `email`: the Invitation made (its secret shown once)',
  ...component('BusinessUserAddResponse'),
});

const role = { ...RoleSchema, description: 'owner, admin, member or viewer. Only an owner grants owner' };

/** DayZero's BusinessUserAddRequest (by user id), or by e-mail (our extension). */
export const MemberAddSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ format: 'uuid', description: "The user's id (DayZero's form). Give `id` or `email`" }),
    ),
    email: Type.Optional({
      ...Email,
      description:
        'An e-mail (extension): makes an invitation for it instead (see POST /api/v1/businesses/invitations); the answer is the same whether or not the e-mail has an account',
    }),
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

const MEMBER_SORT_NAMES = ['created_at', 'email'] as const;
export type MemberSort = (typeof MEMBER_SORT_NAMES)[number];

export const MemberListQuery = PageQuery(MEMBER_SORT_NAMES);

export const MemberIdParams = Type.Object({ user_id: Type.String() });
