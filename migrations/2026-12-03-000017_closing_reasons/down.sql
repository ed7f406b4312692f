DROP TABLE log_closure;
