-- Issue 19, point 6 (second round): a text the service writes (a notice,
-- an invitation, a meeting change, minutes) is one message with one
-- audience, rendered in each reader's language. Copies per language told
-- each reader who shared her language (the attack on issue 19), and a
-- text to everyone could only be in one language. `message.body` keeps
-- the family's language (snapshots and archives read it); these rows hold
-- the text in each of the three languages.
CREATE TABLE message_translation (
    message_id uuid NOT NULL REFERENCES message (id) ON DELETE CASCADE,
    language   text NOT NULL CHECK (language IN ('NB', 'NN', 'EN')),
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    PRIMARY KEY (message_id, language)
);
