-- Read replicas: a token that wrote lately reads the primary until then, whichever
-- instance serves it (used when DATABASE_READ_URL is set and REDIS_URL is not).
ALTER TABLE api_tokens ADD COLUMN writes_until timestamptz;
