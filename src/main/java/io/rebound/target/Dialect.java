package io.rebound.target;

/** The database families Rebound speaks. */
public enum Dialect {
  ORACLE,
  POSTGRESQL
}
