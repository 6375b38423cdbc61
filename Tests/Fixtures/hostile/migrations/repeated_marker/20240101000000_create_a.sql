-- migrate:up
CREATE TABLE a(x);
-- migrate:up
-- migrate:down
