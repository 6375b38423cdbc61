-- migrate:up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
-- migrate:down
DROP TABLE notes;
