-- The instance that commits an event wakes its own relay in-process, and
-- every relay also polls; a NOTIFY per writing transaction only added work
-- to every commit (measured on postMessage), so it goes.
DROP TRIGGER event_notify ON event;
DROP FUNCTION event_notify();
