-- The audit trail as Rebound created it before its tables were migrated. IF NOT EXISTS: an engine database
-- from then already holds these tables and their rows, and Flyway adopts it (baseline 0) before running this.
CREATE TABLE IF NOT EXISTS rebound_audit (
  id BIGINT PRIMARY KEY,
  process_instance_id VARCHAR(64),
  event_type VARCHAR(32) NOT NULL,
  step VARCHAR(255),
  actor VARCHAR(255),
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  outcome VARCHAR(4000),
  details TEXT,
  previous_hash VARCHAR(64) NOT NULL,
  hash VARCHAR(64) NOT NULL
);

CREATE INDEX IF NOT EXISTS rebound_audit_process ON rebound_audit (process_instance_id, id);

-- One row: the id and hash of the trail's last row. Writers lock it, so the chain never forks across nodes.
CREATE TABLE IF NOT EXISTS rebound_audit_head (
  id INT PRIMARY KEY,
  last_id BIGINT NOT NULL,
  last_hash VARCHAR(64) NOT NULL
);

INSERT INTO rebound_audit_head (id, last_id, last_hash)
  SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000'
  WHERE NOT EXISTS (SELECT 1 FROM rebound_audit_head);
