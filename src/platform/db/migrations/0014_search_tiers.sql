-- Best-match search (sort_by=relevance) reads its tiers from indexes: names that
-- start with the search text as a range of their search keys in code-point
-- order, and the other tiers shortest first, by trigram count then id (see
-- customers/search.ts). The trigram-count index gains the id for that order.
CREATE INDEX customers_search_key_idx ON customers (business_id, (search_key COLLATE "C"), id) WHERE NOT is_deleted;
CREATE INDEX customers_search_trgm_n_id_idx ON customers (business_id, search_trgm_n, id) WHERE NOT is_deleted;
DROP INDEX customers_search_trgm_n_idx;
