-- migrate:upp
CREATE TABLE a(x);
-- migrate:down
