-- First migration for payments-api. Applied once, at start-up, in its own transaction.
-- Add the next change as 0002_<what>.sql; never edit a migration that has been applied.
CREATE TABLE IF NOT EXISTS greetings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
