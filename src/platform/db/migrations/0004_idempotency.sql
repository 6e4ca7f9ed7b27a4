-- Idempotency keys: a POST's outcome, stored in the transaction of its effect.
-- `scope` is the business ('b:<uuid>') or, for routes without one, the token's user ('u:<uuid>').
CREATE TABLE idempotency_keys (
  scope        text COLLATE "C" NOT NULL,
  key          text COLLATE "C" NOT NULL,
  -- sha256 of the method, path and canonical body
  fingerprint  text NOT NULL,
  state        text NOT NULL CHECK (state IN ('running', 'done')),
  -- A running request's lease: past it, the key may be claimed again (its process died).
  locked_until timestamptz NOT NULL,
  status       integer,
  body         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
