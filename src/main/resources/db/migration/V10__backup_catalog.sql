-- The backup catalog: every complete backup and shipped log batch, one row per manifest found in the bucket.
-- The bucket is the truth; this table is an index of it, rebuilt from the manifests alone whenever it is lost.
CREATE TABLE rebound_backup_catalog (
  target VARCHAR(100) NOT NULL,
  kind VARCHAR(16) NOT NULL,
  id VARCHAR(100) NOT NULL,
  backup_type VARCHAR(16),
  parent_id VARCHAR(100),
  dialect VARCHAR(16) NOT NULL,
  timeline BIGINT NOT NULL,
  database_identity VARCHAR(100) NOT NULL,
  start_time TIMESTAMP WITH TIME ZONE NOT NULL,
  end_time TIMESTAMP WITH TIME ZONE NOT NULL,
  start_position VARCHAR(64) NOT NULL,
  end_position VARCHAR(64) NOT NULL,
  size_bytes BIGINT NOT NULL,
  manifest_key VARCHAR(1024) NOT NULL,
  manifest TEXT NOT NULL,
  PRIMARY KEY (target, kind, id)
);

CREATE INDEX rebound_backup_catalog_by_end ON rebound_backup_catalog (target, kind, end_time);
