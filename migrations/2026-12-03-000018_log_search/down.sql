DROP INDEX child_name_trgm;
