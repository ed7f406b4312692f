DROP TABLE person_language;
