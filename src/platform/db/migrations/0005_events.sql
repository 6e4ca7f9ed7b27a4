-- Events: every change to a customer or contact, in the transaction of the change.
-- `position` orders a business's feed in commit order: it is taken from the
-- business's counter row at the very end of the writing transaction, and that
-- row stays locked until the commit, so a later position always commits later.
CREATE TABLE event_positions (
  business_id uuid PRIMARY KEY REFERENCES businesses (id) ON DELETE CASCADE,
  last        bigint NOT NULL
);

CREATE TABLE events (
  business_id         uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  position            bigint NOT NULL,
  id                  uuid NOT NULL,
  type                text COLLATE "C" NOT NULL,
  object_id           uuid NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  data                text NOT NULL,
  previous_attributes text,
  PRIMARY KEY (business_id, position)
);
CREATE INDEX events_object_idx ON events (business_id, object_id, position);
CREATE INDEX events_created_idx ON events (created_at);
