DROP TABLE legacy_cursor;
DROP TABLE server_secret;
