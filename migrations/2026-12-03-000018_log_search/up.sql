-- Issue 19, point 5: `logs(filter: { childName })` finds a part of a
-- child's name in any case. A trigram index serves `lower(name) LIKE
-- '%part%'` at 100,000 children. pg_trgm is a trusted extension (since
-- PostgreSQL 13): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX child_name_trgm ON child USING gin (lower(name) gin_trgm_ops);
