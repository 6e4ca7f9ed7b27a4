-- A best-match search walks names shortest first (trigram count, then id) and tests
-- each one's tier on its search key: the index of that order now holds the key, so
-- the walk reads the index alone and only the rows it keeps from the table.
CREATE INDEX customers_search_walk_idx ON customers (business_id, search_trgm_n, id) INCLUDE (search_key) WHERE NOT is_deleted;
DROP INDEX customers_search_trgm_n_id_idx;
