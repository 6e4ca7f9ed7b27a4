-- Webhooks: endpoints a business registers, one delivery per (endpoint, event),
-- and a log of every attempt.
CREATE TABLE webhook_endpoints (
  business_id          uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  id                   uuid NOT NULL,
  url                  text NOT NULL,
  -- Event types, or {'*'} for all.
  events               text[] NOT NULL,
  description          text,
  enabled              boolean NOT NULL DEFAULT true,
  secret               text NOT NULL,
  -- After a rotation the old secret signs alongside the new one until then.
  previous_secret      text,
  previous_secret_until timestamptz,
  -- The instance delivering to this endpoint now, until when (a lease: one sender per endpoint,
  -- so first attempts keep event order; a dead instance's lease runs out).
  lease_owner          uuid,
  lease_until          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);
CREATE INDEX webhook_endpoints_created_idx ON webhook_endpoints (business_id, created_at, id);

-- Written in the transaction of the event, for each enabled endpoint it matches.
CREATE TABLE webhook_deliveries (
  business_id     uuid NOT NULL,
  endpoint_id     uuid NOT NULL,
  event_position  bigint NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, endpoint_id, event_position),
  FOREIGN KEY (business_id, endpoint_id) REFERENCES webhook_endpoints (business_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE webhook_attempts (
  business_id    uuid NOT NULL,
  endpoint_id    uuid NOT NULL,
  id             uuid NOT NULL,
  event_id       uuid NOT NULL,
  event_type     text NOT NULL,
  attempt        integer NOT NULL,
  status_code    integer,
  error          text,
  duration_ms    integer NOT NULL,
  next_retry_at  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, endpoint_id) REFERENCES webhook_endpoints (business_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (business_id, endpoint_id, created_at, id);
CREATE INDEX webhook_attempts_created_idx ON webhook_attempts (created_at);
