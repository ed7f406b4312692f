DROP TABLE meeting_attendee;
DROP TABLE meeting_agenda_item;
DELETE FROM message_read WHERE message_id IN (SELECT id FROM message WHERE kind = 'MEETING_CHANGED');
DELETE FROM message_recipient WHERE message_id IN (SELECT id FROM message WHERE kind = 'MEETING_CHANGED');
DELETE FROM message WHERE kind = 'MEETING_CHANGED';
ALTER TABLE message DROP CONSTRAINT message_check;
ALTER TABLE message ADD CONSTRAINT message_check
    CHECK ((kind IN ('INVITATION', 'MINUTES')) = (meeting_id IS NOT NULL));
ALTER TABLE message DROP CONSTRAINT message_kind_check;
ALTER TABLE message ADD CONSTRAINT message_kind_check
    CHECK (kind IN ('MESSAGE', 'INVITATION', 'MINUTES', 'NOTICE'));
ALTER TABLE meeting DROP COLUMN cancel_reason, DROP COLUMN changed_at, DROP COLUMN sequence;
