-- Events that belong to no run (changes to users, passwords, memberships) are looked up by type and subject.
CREATE INDEX rebound_audit_type_step ON rebound_audit (event_type, step);
