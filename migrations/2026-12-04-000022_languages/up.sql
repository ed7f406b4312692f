-- Issue 19, point 6: each person's language for the texts the server
-- writes to them (bokmål when they have not chosen).
CREATE TABLE person_language (
    person_id uuid PRIMARY KEY REFERENCES person (id),
    language  text NOT NULL CHECK (language IN ('NB', 'NN', 'EN')),
    chosen_at timestamptz NOT NULL DEFAULT now()
);
