-- The reference workstation's replication tables, in their own schema beside the replicated tables.
CREATE SCHEMA IF NOT EXISTS replication;

-- The common stream from the server: every workstation's replicas, ours included, numbered by the server.
CREATE TABLE IF NOT EXISTS replication.que_in (
  no bigint PRIMARY KEY,
  author text NOT NULL,
  author_no bigint NOT NULL,
  age bigint NOT NULL,
  payload bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS que_in_author ON replication.que_in (author, author_no);

-- Our own replicas, numbered by us; age is the audit age they were packaged up to.
CREATE TABLE IF NOT EXISTS replication.que_out (
  no bigint PRIMARY KEY,
  age bigint NOT NULL,
  payload bytea NOT NULL
);

-- que_in_applied, que_out_sent, audit_age, audit_age_packaged, repair_que_out_applied.
CREATE TABLE IF NOT EXISTS replication.marks (
  name text PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO replication.marks (name, value) VALUES ('que_in_applied', 0), ('que_out_sent', 0), ('audit_age', 0),
  ('audit_age_packaged', 0), ('repair_que_out_applied', 0) ON CONFLICT DO NOTHING;

-- The tables that replicate, with their key column (one whole-number key each).
CREATE TABLE IF NOT EXISTS replication.tables (
  table_name text PRIMARY KEY,
  key_column text NOT NULL
);

-- Local changes, one row each, written by the triggers; the id is the audit age.
CREATE TABLE IF NOT EXISTS replication.audit (
  age bigserial PRIMARY KEY,
  table_name text NOT NULL,
  op char(1) NOT NULL,
  key bigint NOT NULL,
  row_data jsonb
);

-- Changes made while replicas are applied (replication.applying = on) are not local: they are not audited.
CREATE OR REPLACE FUNCTION replication.audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  key_column text := TG_ARGV[0];
BEGIN
  IF coalesce(current_setting('replication.applying', true), '') = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO replication.audit (table_name, op, key, row_data)
      VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'D', (to_jsonb(OLD) ->> key_column)::bigint, NULL);
  ELSE
    INSERT INTO replication.audit (table_name, op, key, row_data)
      VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'U', (to_jsonb(NEW) ->> key_column)::bigint, to_jsonb(NEW));
  END IF;
  RETURN NULL;
END
$$;

CREATE TABLE IF NOT EXISTS replication.schema_version (
  version int PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
