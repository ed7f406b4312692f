-- A paper consent carries the date its form was signed, so that a form
-- signed before the owner's latest withdrawal cannot undo it (issue 14).
-- Paper consents registered before this migration have no date; NOT VALID
-- keeps them while every new row must have one.
ALTER TABLE consent ADD COLUMN signed_on date;
ALTER TABLE consent ADD CONSTRAINT consent_paper_signed_on
    CHECK ((method = 'PAPER') = (signed_on IS NOT NULL)) NOT VALID;

-- NOTICE: a message the service writes to the family about something done
-- on their behalf (a paper consent registered for them), authored by the
-- person who did it.
ALTER TABLE message DROP CONSTRAINT message_kind_check;
ALTER TABLE message ADD CONSTRAINT message_kind_check
    CHECK (kind IN ('MESSAGE', 'INVITATION', 'MINUTES', 'NOTICE'));
ALTER TABLE message DROP CONSTRAINT message_check;
ALTER TABLE message ADD CONSTRAINT message_check
    CHECK ((kind IN ('INVITATION', 'MINUTES')) = (meeting_id IS NOT NULL));

-- Withdrawals looked up by who withdrew (the paper-consent check).
CREATE INDEX consent_withdrawn_by_idx ON consent (log_id, withdrawn_by) WHERE withdrawn_at IS NOT NULL;
