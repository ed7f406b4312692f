-- A guardian of a log as its creator recorded them: name and contact
-- details per log, like the child (migration 000009). Reading them from the
-- shared citizen record let a log's coordinator read a phone number, e-mail
-- and address the creator never supplied, for anyone named by national
-- identity number (issue 14's follow-up attack). Existing guardians keep
-- what the register held for them. A row without a name (seeded data) reads
-- the register's name; contact details are only ever the log's own.
ALTER TABLE guardian
    ADD COLUMN name    text CHECK (length(name) BETWEEN 1 AND 200),
    ADD COLUMN phone   text CHECK (length(phone) <= 40),
    ADD COLUMN email   text CHECK (length(email) <= 200),
    ADD COLUMN address text CHECK (length(address) <= 400);
UPDATE guardian g
   SET name = p.name, phone = p.phone, email = p.email, address = c.address
  FROM person p JOIN citizen c ON c.person_id = p.id
 WHERE p.id = g.citizen_id;
