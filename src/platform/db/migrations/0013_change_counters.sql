-- Conditional requests (ETag, 304): what a GET answers for a business changes only when one
-- of its rows changes, so a validator is the business's change counter, read in one indexed
-- lookup before any of the page's rows. Every write of a tenant table moves it, in the
-- writing transaction, by trigger: whoever writes (the API, the CLI, seed, the webhook
-- worker, retention, test mode) and however (one row, a bulk upload, a cascade). A
-- rolled-back write leaves it as it was, with the rows.
--
-- Versions come from one sequence, not version + 1: a value is never handed out twice, so a
-- business deleted and made again, or any two businesses, never share a version. The epoch
-- (settings.change_epoch) is part of every validator too: what sets data back — test mode's
-- reset, which also sets this sequence back — draws a new one.
CREATE SEQUENCE change_versions;

CREATE TABLE change_counters (
  business_id uuid PRIMARY KEY REFERENCES businesses (id) ON DELETE CASCADE,
  version     bigint NOT NULL
);
INSERT INTO change_counters (business_id, version) SELECT id, nextval('change_versions') FROM businesses;
INSERT INTO settings (key, value) VALUES ('change_epoch', replace(gen_random_uuid()::text, '-', ''));

-- Moved at commit, not at the write: a deferred trigger, so the counter row is locked only
-- while the transaction commits, not from its first write on (writers of one business would
-- queue there for their whole transaction).
-- One bump per business and transaction: a row this transaction already moved (xmin is its
-- own) is left alone, so a bulk upload's rows after the first cost a primary-key lookup each.
CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  business uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN business := OLD.business_id; ELSE business := NEW.business_id; END IF;
  UPDATE change_counters SET version = nextval('change_versions')
   WHERE business_id = business AND xmin <> pg_current_xact_id()::xid;
  RETURN NULL;
END $$;

-- The businesses themselves (a rename), keyed by id; a new business gets its counter.
CREATE FUNCTION bump_business_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO change_counters (business_id, version)
    SELECT id, nextval('change_versions') FROM changed_rows;
  ELSE
    UPDATE change_counters SET version = nextval('change_versions')
     WHERE business_id IN (SELECT id FROM changed_rows);
  END IF;
  RETURN NULL;
END $$;

-- A user's e-mail is shown in the member lists of every business they belong to.
CREATE FUNCTION bump_user_change_counters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE change_counters SET version = nextval('change_versions')
   WHERE business_id IN (SELECT m.business_id FROM memberships m JOIN changed_rows u ON u.id = m.user_id);
  RETURN NULL;
END $$;

CREATE TRIGGER businesses_changes_ins AFTER INSERT ON businesses
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_business_change_counter();
CREATE TRIGGER businesses_changes_upd AFTER UPDATE ON businesses
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_business_change_counter();
CREATE TRIGGER users_changes_upd AFTER UPDATE ON users
  REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION bump_user_change_counters();

-- Every table with a business_id (test/conditional.test.ts holds later migrations to it).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'customers', 'contacts', 'event_positions', 'events',
                           'webhook_endpoints', 'webhook_deliveries', 'webhook_attempts',
                           'invitations', 'export_tickets'] LOOP
    EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_change_counter()',
                   t || '_changes', t);
  END LOOP;
END $$;
