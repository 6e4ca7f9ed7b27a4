-- Passkeys (contract §6, "Signing in again"): WebAuthn credentials a signed-in user
-- registers for themselves and signs in with later. Only the public key is stored.
CREATE TABLE passkeys (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- The credential's id as the authenticator made it, in base64url (what a sign-in names).
  credential_id  text NOT NULL,
  -- The COSE public key, base64url.
  public_key     text NOT NULL,
  -- The authenticator's signature counter (0 for those that keep none).
  sign_count     bigint NOT NULL DEFAULT 0,
  transports     text[] NOT NULL DEFAULT '{}',
  name           text NOT NULL,
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz,
  CONSTRAINT passkeys_credential_key UNIQUE (credential_id)
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id, created_at, id);

-- The challenges handed out for a registration (a user's) or a sign-in (nobody's yet):
-- each is used once, within minutes. Expired ones are deleted as new ones are made.
CREATE TABLE webauthn_challenges (
  id          uuid PRIMARY KEY,
  challenge   text NOT NULL,
  purpose     text NOT NULL CHECK (purpose IN ('register', 'sign-in')),
  user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  CONSTRAINT webauthn_challenges_challenge_key UNIQUE (challenge)
);
CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at);
