-- From here on each audit row's hash is an HMAC-SHA256 under the audit key, and says so. Rows already there
-- keep their plain SHA-256 and are marked as such; so is any row written without naming its algorithm
-- (an older Rebound still running), which verification refuses once the keyed chain has begun.
ALTER TABLE rebound_audit ADD COLUMN hash_algorithm VARCHAR(16) DEFAULT 'SHA-256' NOT NULL;
