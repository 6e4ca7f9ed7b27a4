import Type from 'typebox';
import { component, Id, Timestamp } from '../../platform/schema.js';

const SessionUserSchema = Type.Object(
  {
    id: Id,
    email: Type.String({ examples: ['grace@example.com'], description: "The account's e-mail (a label)" }),
  },
  component('SessionUser'),
);

const expires_at = {
  ...Timestamp,
  description:
    "The session's absolute end: 7 days after sign-in, no later than the token it was made from. It ends earlier after 12 hours without use.",
};

export const SessionCreateSchema = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 256, description: 'An API token (`dz_…`) of the user signing in' })),
    link: Type.Optional(
      Type.String({ maxLength: 256, description: 'The secret of a one-time sign-in link (`dzl_…`)' }),
    ),
  },
  { ...component('SessionCreateRequest'), examples: [{ link: 'dzl_…' }] },
);

/** A new session: who signed in; the secret itself is only in the cookie. */
export const SessionCreatedSchema = Type.Object({ user: SessionUserSchema, expires_at }, component('SessionResponse'));

/** The session of the request's cookie: who, its CSRF value, its end. */
export const SessionCurrentSchema = Type.Object(
  {
    user: SessionUserSchema,
    csrf_token: Type.String({
      description:
        "Send it as `x-csrf-token` with every other request this session makes (reads too): without it, 403. It is the session's own; another page cannot read it (no CORS)",
    }),
    expires_at,
  },
  component('CurrentSessionResponse'),
);
