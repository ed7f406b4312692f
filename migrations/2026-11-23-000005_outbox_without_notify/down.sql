CREATE FUNCTION event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stafett_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER event_notify AFTER INSERT ON event
    FOR EACH STATEMENT EXECUTE FUNCTION event_notify();
