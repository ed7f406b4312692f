-- Every log gets a child row of its own, holding exactly what its creator
-- supplied (issue 14). A child row shared between logs made `createLog`
-- answer with a stored name the creator had not supplied and may not read,
-- and the "one open log per child" index made it answer CONFLICT for a child
-- whose log the creator cannot see. A child's logs are found by national id
-- (the youth owner) and a duplicate is refused only when the creator can see
-- the existing log; the family and the municipal admin, who see both,
-- resolve the others.
ALTER TABLE child DROP CONSTRAINT child_national_id_key;
CREATE INDEX child_national_id_idx ON child (national_id) WHERE national_id IS NOT NULL;
DROP INDEX log_one_open_per_child;
CREATE INDEX log_child_idx ON log (child_id);
