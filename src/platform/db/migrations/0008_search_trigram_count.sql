-- How many distinct trigrams a name's search key has: it bounds how similar any
-- search can find the name (similarity ≤ query trigrams ÷ this), so a best-match
-- search can set aside long names without scoring them (see customers/service.ts).
ALTER TABLE customers
  ADD COLUMN search_trgm_n integer GENERATED ALWAYS AS (coalesce(array_length(show_trgm(search_key), 1), 0)) STORED;
CREATE INDEX customers_search_trgm_n_idx ON customers (business_id, search_trgm_n) WHERE NOT is_deleted;
