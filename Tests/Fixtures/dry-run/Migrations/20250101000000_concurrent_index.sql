-- migrate:up transaction:false
CREATE INDEX IF NOT EXISTS companies_name_length ON companies(length(name));

-- migrate:down transaction:false
DROP INDEX IF EXISTS companies_name_length;
