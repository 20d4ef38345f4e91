-- The ledger: vecfill's only state between commands, kept in the target database (schema vecfill).
-- Idempotent: run before every command that writes to it (under an advisory lock, see ledger.ts).
-- Names of tables and columns are stored as the catalog spells them (unquoted, exact case).
-- No secret is ever stored here: no API key, no connection string.
CREATE SCHEMA IF NOT EXISTS vecfill;

-- One row per Batch API batch that vecfill created (or was told to ingest).
CREATE TABLE IF NOT EXISTS vecfill.batches (
  batch_id          text PRIMARY KEY,
  run_id            text NOT NULL,
  table_schema      text NOT NULL,
  table_name        text NOT NULL,
  id_column         text NOT NULL,
  column_name       text NOT NULL,
  model             text,                 -- NULL when not known (a batch vecfill did not create)
  dimensions        integer,              -- the `dimensions` sent, NULL when the model's own
  encoding          text CHECK (encoding IN ('base64', 'float')),
  input_file_id     text,
  output_file_id    text,
  error_file_id     text,
  status            text NOT NULL,        -- as the API last reported it
  request_total     integer NOT NULL DEFAULT 0,
  request_completed integer NOT NULL DEFAULT 0,
  request_failed    integer NOT NULL DEFAULT 0,
  estimated_tokens  bigint NOT NULL DEFAULT 0,
  tokens_used       bigint,               -- from the output's usage, once ingested
  rows_updated      bigint,               -- by the ingest
  attempt           integer NOT NULL DEFAULT 1,
  errors            jsonb,                -- the batch's own errors (validation, token_limit_exceeded, …)
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  ingested_at       timestamptz
);
CREATE INDEX IF NOT EXISTS batches_target ON vecfill.batches (table_schema, table_name, column_name);

-- The rows each batch carries (custom_id = the row id as text), so rows in flight are known.
CREATE TABLE IF NOT EXISTS vecfill.batch_rows (
  batch_id text NOT NULL REFERENCES vecfill.batches (batch_id) ON DELETE CASCADE,
  row_id   text NOT NULL,
  PRIMARY KEY (batch_id, row_id)
);
CREATE INDEX IF NOT EXISTS batch_rows_row_id ON vecfill.batch_rows (row_id);

-- Rows that did not get a vector: why, how often, and whether to try again (final = never).
CREATE TABLE IF NOT EXISTS vecfill.row_failures (
  table_schema  text NOT NULL,
  table_name    text NOT NULL,
  column_name   text NOT NULL,
  row_id        text NOT NULL,
  attempts      integer NOT NULL DEFAULT 1,
  last_code     text NOT NULL,
  last_reason   text NOT NULL,
  last_batch_id text,
  final         boolean NOT NULL DEFAULT false,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_schema, table_name, column_name, row_id)
);
