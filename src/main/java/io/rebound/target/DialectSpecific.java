package io.rebound.target;

/** Something one dialect implements: a runbook's statements and commands for Oracle, or for PostgreSQL. */
public interface DialectSpecific {

  /** The dialect this implementation speaks. */
  Dialect dialect();
}
