DROP TABLE template;
DROP TABLE staff_municipal_role;
DROP TABLE staff_unit_role;
DROP TABLE citizen;
DROP TABLE staff;
DROP TABLE person;
DROP TABLE unit;
DROP TABLE municipality;
