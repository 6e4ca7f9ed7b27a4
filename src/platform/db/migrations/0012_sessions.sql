-- Console sessions (contract §6): the cookie's secret is stored only as its SHA-256. A
-- session made from an API token names it (it ends when that token is revoked and never
-- outlives it); one made from a sign-in link or an invitation names none. Every time is
-- written by the server (passed in as a value), never by now() here.
CREATE TABLE sessions (
  id            uuid PRIMARY KEY,
  secret_hash   text NOT NULL,
  user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_id      uuid REFERENCES api_tokens (id) ON DELETE CASCADE,
  -- The value the x-csrf-token header must carry (not a credential on its own).
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL,
  -- Idle expiry counts from here; written at most once a minute.
  last_used_at  timestamptz NOT NULL,
  -- The absolute end: 7 days after it began, no later than its token.
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz,
  -- Read-your-writes on replicas, as api_tokens.writes_until.
  writes_until  timestamptz,
  CONSTRAINT sessions_secret_key UNIQUE (secret_hash)
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at, id) WHERE ended_at IS NULL;
CREATE INDEX sessions_token_idx ON sessions (token_id) WHERE ended_at IS NULL;

-- One-time sign-in links (`dzl_…`), made by the operator at the CLI: stored hashed, single use.
CREATE TABLE sign_in_links (
  id          uuid PRIMARY KEY,
  secret_hash text NOT NULL,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  CONSTRAINT sign_in_links_secret_key UNIQUE (secret_hash)
);
CREATE INDEX sign_in_links_user_idx ON sign_in_links (user_id);
