import Type, { type Static } from 'typebox';
import { component, Email, Id, Nullable, PageQuery, StringEnum, Timestamp } from '../../platform/schema.js';
import { RoleSchema } from '../businesses/schemas.js';

/** A pending invitation, as listed: never its secret. */
export const InvitationSchema = Type.Object(
  {
    id: Id,
    email: Type.String({
      examples: ['grace@example.com'],
      description: 'Who it was sent for (a label, not an account)',
    }),
    role: RoleSchema,
    invited_by: Nullable(Id, { description: "The inviter's user id; null when the operator invited at the CLI" }),
    created_at: Timestamp,
    expires_at: { ...Timestamp, description: '7 days after it was made (no later than the token that made it)' },
  },
  component('InvitationResponse'),
);
export type Invitation = Static<typeof InvitationSchema>;

/** A new invitation: the only time its secret is shown. */
export const InvitationCreatedSchema = Type.Object(
  {
    id: Id,
    email: Type.String({ examples: ['grace@example.com'] }),
    role: RoleSchema,
    expires_at: Timestamp,
    url: Type.String({
      description: 'The console page that accepts it (the secret is in the fragment, never sent in a request line)',
      examples: ['http://127.0.0.1:8000/console/#/invitation/dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.Q2xh…'],
    }),
    secret: Type.String({
      description:
        'The invitation itself: shown once, stored only as a hash. Whoever has it accepts it at POST /api/v1/invitations/accept; single use',
      examples: ['dzi_019abf2e-6a47-7b3e-9c1d-2f4a5b6c7d8e.Q2xhcmEgaXMgYSBmaWN0aW9uYWwgdG9rZW4gZXhhbXBsZQ'],
    }),
  },
  component('InvitationCreateResponse'),
);
export type InvitationCreated = Static<typeof InvitationCreatedSchema>;

const role = { ...RoleSchema, description: 'owner, admin, member or viewer. Only an owner invites an owner' };

export const InvitationCreateSchema = Type.Object(
  {
    email: {
      ...Email,
      description: 'Who the invitation is for: a label for the account its acceptance makes or joins',
    },
    role,
  },
  { ...component('InvitationCreateRequest'), examples: [{ email: 'grace@example.com', role: 'member' }] },
);

export const InvitationAcceptSchema = Type.Object(
  {
    link: Type.String({ minLength: 1, maxLength: 512, description: 'The invitation secret (`dzi_…`)' }),
    as: Type.Optional(
      StringEnum(['token'] as const, {
        description:
          "`token`: without authentication, a new account is made and gets an API token (30 days, shown once). Left out: the new account gets a console session instead (the cookie, as POST /api/v1/sessions sets it; `token` is then null). Authenticated callers get no credential: the membership is added to the caller's own account",
      }),
    ),
  },
  { ...component('InvitationAcceptRequest'), examples: [{ link: 'dzi_…', as: 'token' }] },
);

/** The membership an acceptance made, and (only for a new account made without authentication) its token. */
export const InvitationAcceptedSchema = Type.Object(
  {
    user_id: Id,
    business_id: Id,
    role: RoleSchema,
    token: Nullable(Type.String(), {
      description: "The new account's API token (shown once, 30 days); null when the caller was authenticated",
    }),
    token_expires_at: Nullable(Timestamp, { description: 'When `token` expires; null without one' }),
  },
  component('InvitationAcceptResponse'),
);
export type InvitationAccepted = Static<typeof InvitationAcceptedSchema>;

const INVITATION_SORT_NAMES = ['created_at', 'expires_at'] as const;
export type InvitationSort = (typeof INVITATION_SORT_NAMES)[number];

export const InvitationListQuery = PageQuery(INVITATION_SORT_NAMES);

export const InvitationIdParams = Type.Object({ invitation_id: Type.String() });
