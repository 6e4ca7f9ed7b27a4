-- The claim that holds a running key, named by its request before the claim is sent: a request
-- whose claim's answer was lost (the primary failed right after committing it) can still free
-- the key it may hold, so a retry after a failover is not refused as "in progress" for a lease.
ALTER TABLE idempotency_keys ADD COLUMN holder text;
