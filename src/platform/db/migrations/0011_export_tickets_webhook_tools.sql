-- Single-use export tickets (contract §6, export): the secret is stored only as its SHA-256 and
-- looked up by (business, hash); the ticket remembers the filters and order of the export it
-- stands for, who asked for it, and until when it may be used (then it is deleted, used or not).
CREATE TABLE export_tickets (
  business_id  uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  secret_hash  text NOT NULL,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  query        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (business_id, secret_hash)
);
CREATE INDEX export_tickets_expires_idx ON export_tickets (business_id, expires_at);

-- Deliveries get an id of their own (contract §5.3), and a delivery may carry its own event: a
-- test event (`webhook.test`) is not in the feed, so its body is stored with its delivery and it
-- has no feed position.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_pkey;
ALTER TABLE webhook_deliveries ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE webhook_deliveries ALTER COLUMN event_position DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD COLUMN event_id uuid;
ALTER TABLE webhook_deliveries ADD COLUMN event_type text;
ALTER TABLE webhook_deliveries ADD COLUMN body text;
ALTER TABLE webhook_deliveries ADD PRIMARY KEY (business_id, id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
  CHECK (event_position IS NOT NULL OR (body IS NOT NULL AND event_id IS NOT NULL AND event_type IS NOT NULL));
-- One delivery per (endpoint, feed event): the worker reads an endpoint's in feed order.
CREATE UNIQUE INDEX webhook_deliveries_event_key ON webhook_deliveries (business_id, endpoint_id, event_position);
CREATE INDEX webhook_deliveries_own_event_idx ON webhook_deliveries (business_id, endpoint_id, event_id)
  WHERE event_id IS NOT NULL;
