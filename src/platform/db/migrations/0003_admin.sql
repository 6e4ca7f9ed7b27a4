-- Administration over HTTP: members and tokens are cursor-paginated lists.
CREATE INDEX memberships_business_created_idx ON memberships (business_id, created_at, user_id);
CREATE INDEX api_tokens_user_created_idx ON api_tokens (user_id, created_at, id);
DROP INDEX api_tokens_user_idx;
