import Type, { type Static, type TSchema } from 'typebox';
import { component, Id, Nullable, PageQuery, Timestamp } from '../../platform/schema.js';

const base64url = (description: string) => Type.String({ maxLength: 4096, pattern: '^[A-Za-z0-9_-]*$', description });

/** One of the caller's passkeys, as listed: never its key. */
export const PasskeySchema = Type.Object(
  {
    id: Id,
    name: Type.String({ description: 'A label the user chose (or "Passkey")', examples: ['Work laptop'] }),
    transports: Type.Array(Type.String(), {
      description: 'How the browser reaches the authenticator, as it said at registration',
      examples: [['internal', 'hybrid']],
    }),
    created_at: Timestamp,
    last_used_at: Nullable(Timestamp, { description: 'The last sign-in with it' }),
  },
  component('PasskeyResponse'),
);
export type Passkey = Static<typeof PasskeySchema>;

const Descriptor = Type.Object(
  {
    id: base64url("A credential's id"),
    type: Type.String({ examples: ['public-key'] }),
    transports: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
);

const OPTIONS_NOTE =
  'WebAuthn options in their JSON form (W3C WebAuthn Level 3 `PublicKeyCredentialCreationOptionsJSON` / `…RequestOptionsJSON`), for `navigator.credentials` (e.g. through `PublicKeyCredential.parseCreationOptionsFromJSON`, or @simplewebauthn/browser)';

/** What `navigator.credentials.create()` needs to make a passkey for the caller. */
export const PasskeyCreationOptionsSchema = Type.Object(
  {
    challenge: base64url('Single use, valid for 5 minutes'),
    rp: Type.Object({ name: Type.String(), id: Type.Optional(Type.String()) }, { additionalProperties: true }),
    user: Type.Object(
      { id: base64url('The user handle'), name: Type.String(), displayName: Type.String() },
      { additionalProperties: true },
    ),
    pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Integer(), type: Type.String() }), {
      description: 'COSE algorithms accepted, best first',
    }),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(
      Type.Array(Descriptor, {
        description: 'The passkeys the caller has already: an authenticator holding one says so',
      }),
    ),
    authenticatorSelection: Type.Optional(Type.Object({}, { additionalProperties: true })),
    attestation: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { ...component('PasskeyCreationOptions'), additionalProperties: true, description: OPTIONS_NOTE },
);

/** What `navigator.credentials.get()` needs to sign in with any passkey of this server. */
export const PasskeyRequestOptionsSchema = Type.Object(
  {
    challenge: base64url('Single use, valid for 5 minutes'),
    timeout: Type.Optional(Type.Integer()),
    rpId: Type.Optional(Type.String()),
    allowCredentials: Type.Optional(
      Type.Array(Descriptor, { description: 'Empty: the authenticator offers the passkeys it holds for this site' }),
    ),
    userVerification: Type.Optional(Type.String()),
    hints: Type.Optional(Type.Array(Type.String())),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { ...component('PasskeyRequestOptions'), additionalProperties: true, description: OPTIONS_NOTE },
);

/** A credential as the browser returns it (`PublicKeyCredential.toJSON()`). */
function CredentialJson(name: string, response: Record<string, TSchema>, description: string) {
  return Type.Object(
    {
      id: base64url("The credential's id"),
      rawId: base64url('The same id'),
      type: Type.Literal('public-key'),
      response: Type.Object(Object.fromEntries(Object.entries(response)) as typeof response, {
        additionalProperties: true,
      }),
      authenticatorAttachment: Type.Optional(Type.String()),
      clientExtensionResults: Type.Optional(Type.Object({}, { additionalProperties: true })),
    },
    { ...component(name), additionalProperties: true, description },
  );
}

export const PasskeyCreateSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, 'x-trim': true, description: 'A label (default "Passkey")' }),
    ),
    credential: CredentialJson(
      'PasskeyRegistrationCredential',
      {
        clientDataJSON: base64url('As the browser made it'),
        attestationObject: base64url('As the authenticator made it'),
        transports: Type.Optional(
          Type.Array(Type.String({ maxLength: 16 }), {
            maxItems: 8,
            description: 'As `getTransports()` said; values WebAuthn does not name are dropped',
          }),
        ),
      },
      'What `navigator.credentials.create()` returned for the options of `POST /passkeys/options`, as JSON',
    ),
  },
  component('PasskeyCreateRequest'),
);
export type PasskeyInput = Static<typeof PasskeyCreateSchema>;

export const PasskeySignInSchema = Type.Object(
  {
    credential: CredentialJson(
      'PasskeyAssertionCredential',
      {
        clientDataJSON: base64url('As the browser made it'),
        authenticatorData: base64url('As the authenticator made it'),
        signature: base64url("The authenticator's signature"),
      },
      'What `navigator.credentials.get()` returned for the options of `POST /sessions/passkey/options`, as JSON',
    ),
  },
  component('PasskeySignInRequest'),
);
export type PasskeySignIn = Static<typeof PasskeySignInSchema>;

export const PasskeyListQuery = PageQuery(['created_at'] as const);

export const PasskeyIdParams = Type.Object({ passkey_id: Type.String() });
