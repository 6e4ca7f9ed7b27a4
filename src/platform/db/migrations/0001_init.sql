CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Tenancy: every tenant table carries business_id NOT NULL, and its primary key,
-- unique constraints and foreign keys lead with it, so rows can later be
-- distributed by business_id without changing the schema.

CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The cursor-signing secret lives in the database so every instance sharing it
-- agrees and restarts keep cursors valid. gen_random_uuid() draws from the
-- server's strong random source: two of them give 244 random bits.
INSERT INTO settings (key, value)
VALUES ('cursor_secret', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

CREATE TABLE businesses (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id         uuid PRIMARY KEY,
  email      text NOT NULL,
  email_key  text COLLATE "C" NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email_key)
);

CREATE TABLE memberships (
  business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Only the SHA-256 of a token is kept; `prefix` is for people to tell tokens apart.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL,
  prefix       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  CONSTRAINT api_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- *_key columns hold the app-computed lower-cased text in the "C" collation:
-- case-insensitive order by code point, identical on every backend and locale.
CREATE TABLE customers (
  business_id             uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
  id                      uuid NOT NULL,
  name                    text NOT NULL,
  name_key                text COLLATE "C" NOT NULL,
  -- name without case or accents, for trigram search
  search_key              text NOT NULL,
  email                   text NOT NULL,
  email_key               text COLLATE "C" NOT NULL,
  address                 text,
  phone                   text,
  tax_id                  text,
  website                 text,
  notes                   text,
  credit_limit_cents      bigint CHECK (credit_limit_cents >= 0),
  default_payment_term_id text,
  status                  text COLLATE "C" NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'blocked')),
  category                text,
  is_deleted              boolean NOT NULL DEFAULT false,
  deleted_at              timestamptz,
  stripe_customer_id      text,
  invoice_footer          text,
  -- Kept exact in the same transaction as every contact insert and delete, so a
  -- contacts total costs one row read whatever the list's size.
  contact_count           integer NOT NULL DEFAULT 0 CHECK (contact_count >= 0),
  created_by              text,
  updated_by              text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id)
);
-- E-mail is unique among a business's live customers, case-insensitively.
CREATE UNIQUE INDEX customers_email_live_key ON customers (business_id, email_key) WHERE NOT is_deleted;
-- The customers list shows live customers only: one partial index per allowed sort,
-- shaped for the keyset seek, plus the NULL segment of the nullable one.
CREATE INDEX customers_created_at_idx ON customers (business_id, created_at, id) WHERE NOT is_deleted;
CREATE INDEX customers_updated_at_idx ON customers (business_id, updated_at, id) WHERE NOT is_deleted;
CREATE INDEX customers_name_idx       ON customers (business_id, name_key, id) WHERE NOT is_deleted;
CREATE INDEX customers_email_idx      ON customers (business_id, email_key, id) WHERE NOT is_deleted;
CREATE INDEX customers_credit_idx     ON customers (business_id, credit_limit_cents, id) WHERE NOT is_deleted;
CREATE INDEX customers_credit_null_idx ON customers (business_id, id) WHERE NOT is_deleted AND credit_limit_cents IS NULL;
CREATE INDEX customers_status_idx     ON customers (business_id, status, id) WHERE NOT is_deleted;
-- Fuzzy and substring search on names: trigram similarity and LIKE '%…%' both use it.
CREATE INDEX customers_search_idx     ON customers USING gin (search_key gin_trgm_ops) WHERE NOT is_deleted;

CREATE TABLE contacts (
  business_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  id          uuid NOT NULL,
  name        text NOT NULL,
  name_key    text COLLATE "C" NOT NULL,
  email       text,
  email_key   text COLLATE "C",
  phone       text,
  role        text,
  role_key    text COLLATE "C",
  is_primary  boolean NOT NULL DEFAULT false,
  notes       text,
  created_by  text,
  updated_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, id),
  FOREIGN KEY (business_id, customer_id) REFERENCES customers (business_id, id) ON DELETE CASCADE
);
-- At most one primary contact per customer, whatever the writers do.
CREATE UNIQUE INDEX contacts_one_primary_key ON contacts (business_id, customer_id) WHERE is_primary;
-- One index per allowed sort, shaped for the keyset query
-- WHERE business_id = $1 AND customer_id = $2 AND (key, id) > ($3, $4) ORDER BY key, id.
CREATE INDEX contacts_created_at_idx ON contacts (business_id, customer_id, created_at, id);
CREATE INDEX contacts_updated_at_idx ON contacts (business_id, customer_id, updated_at, id);
CREATE INDEX contacts_name_idx       ON contacts (business_id, customer_id, name_key, id);
CREATE INDEX contacts_email_idx      ON contacts (business_id, customer_id, email_key, id);
CREATE INDEX contacts_role_idx       ON contacts (business_id, customer_id, role_key, id);
-- The NULL segment of a nullable sort (NULLs last, ordered by id) gets its own
-- partial index, so a walk through it is a range scan too.
CREATE INDEX contacts_email_null_idx ON contacts (business_id, customer_id, id) WHERE email_key IS NULL;
CREATE INDEX contacts_role_null_idx  ON contacts (business_id, customer_id, id) WHERE role_key IS NULL;
