-- migrate:up
CREATE TABLE a(x);
INSERT INTO a VALUES ('never closed);
-- migrate:down
DROP TABLE a;
