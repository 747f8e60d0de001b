-- Comparisons and their tables' progress and results, as Rebound created them before its tables were
-- migrated (IF NOT EXISTS: an engine database from then already holds them).
CREATE TABLE IF NOT EXISTS rebound_comparison (
  id VARCHAR(64) PRIMARY KEY,
  source VARCHAR(255) NOT NULL,
  destination VARCHAR(255) NOT NULL,
  chunk_size INT NOT NULL,
  parallelism INT NOT NULL,
  max_differences INT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE IF NOT EXISTS rebound_comparison_table (
  comparison_id VARCHAR(64) NOT NULL,
  name VARCHAR(300) NOT NULL,
  run_id VARCHAR(64) NOT NULL,
  spec TEXT NOT NULL,
  status VARCHAR(16) NOT NULL,
  chunks_total INT NOT NULL,
  chunks_done INT NOT NULL,
  ranges TEXT,
  result TEXT,
  error VARCHAR(4000),
  attempts BIGINT NOT NULL,
  started_at TIMESTAMP WITH TIME ZONE,
  updated_at TIMESTAMP WITH TIME ZONE,
  finished_at TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (comparison_id, name)
);
