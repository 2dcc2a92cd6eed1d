-- The walkthrough's schema: run it on every node (the lessons do this with one fan-out cell).
-- Safe to run again: it creates only what is missing.
CREATE TABLE IF NOT EXISTS users (
    id         serial PRIMARY KEY,
    name       text        NOT NULL,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
