import Type, { type Static } from 'typebox';
import { component, Id, Nullable, OPTIONAL_BODY, PageQuery, Timestamp } from '../../platform/schema.js';
import { Secret } from '../../platform/secret.js';

/** One of the caller's tokens, as listed: never its secret. */
export const TokenSchema = Type.Object(
  {
    id: Id,
    prefix: Type.String({
      description: 'The first characters of the secret, to tell tokens apart',
      examples: ['dz_Q2xhcmE'],
    }),
    created_at: Timestamp,
    expires_at: Nullable(Timestamp, { description: 'null: never expires' }),
    last_used_at: Nullable(Timestamp, { description: 'Updated at most once a minute' }),
    revoked_at: Nullable(Timestamp),
  },
  component('TokenResponse'),
);
export type Token = Static<typeof TokenSchema>;

/** A new token: the only time its secret is shown. */
export const TokenCreatedSchema = Type.Object(
  {
    token: Secret({
      description: 'The secret: shown once, stored only as a hash. Send it as `Authorization: Bearer …`',
      examples: ['dz_Q2xhcmEgaXMgYSBmaWN0aW9uYWwgdG9rZW4gZXhhbXBsZQ'],
    }),
    id: Id,
    prefix: Type.String({ examples: ['dz_Q2xhcmE'] }),
    expires_at: Nullable(Timestamp, { description: 'null: never expires' }),
  },
  component('TokenCreateResponse'),
);
export type TokenCreated = Static<typeof TokenCreatedSchema>;

export const TokenCreateSchema = Type.Object(
  {
    expires_in_days: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 365,
        description:
          'Lifetime in days (1..365). Left out: no expiry of its own. Either way the new token expires no later than the token that creates it.',
        examples: [90],
      }),
    ),
  },
  {
    ...component('TokenCreateRequest'),
    ...OPTIONAL_BODY,
    description: 'Optional: no body creates a token with no expiry of its own',
  },
);

const TOKEN_SORT_NAMES = ['created_at'] as const;
export type TokenSort = (typeof TOKEN_SORT_NAMES)[number];

export const TokenListQuery = PageQuery(TOKEN_SORT_NAMES);

export const TokenIdParams = Type.Object({ token_id: Type.String() });
