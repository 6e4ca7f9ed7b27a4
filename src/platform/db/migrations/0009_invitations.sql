-- An account is its id; its e-mail is a label that several accounts may carry (contract §2.1).
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE INDEX users_email_idx ON users (email_key);

-- Invitations to a business: the secret is stored only as its SHA-256 and looked up by
-- (business, hash). An invitation made over the API names its inviter and the token that
-- made it (both NULL: the operator at the CLI); it dies with the inviter's privileges.
CREATE TABLE invitations (
  business_id      uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  email            text NOT NULL,
  role             text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  secret_hash      text NOT NULL,
  invited_by       uuid REFERENCES users (id) ON DELETE CASCADE,
  inviter_token_id uuid REFERENCES api_tokens (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  accepted_at      timestamptz,
  accepted_by      uuid REFERENCES users (id) ON DELETE SET NULL,
  revoked_at       timestamptz,
  -- 'revoked': DELETE by an owner or admin; the others: the inviter lost the power to grant it.
  revoked_reason   text CHECK (revoked_reason IN ('revoked', 'inviter_removed', 'inviter_demoted', 'inviter_token_revoked')),
  PRIMARY KEY (business_id, id),
  CONSTRAINT invitations_secret_key UNIQUE (business_id, secret_hash)
);
CREATE INDEX invitations_created_idx ON invitations (business_id, created_at, id);
CREATE INDEX invitations_inviter_idx ON invitations (business_id, invited_by) WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_token_idx ON invitations (inviter_token_id) WHERE accepted_at IS NULL AND revoked_at IS NULL;
