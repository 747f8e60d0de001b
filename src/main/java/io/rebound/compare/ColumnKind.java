package io.rebound.compare;

/**
 * How a column's values are normalised before hashing, so that equal data hashes equally across dialects
 * and versions.
 */
public enum ColumnKind {
  /** Integers and decimals: the shortest decimal text, no trailing zeros ({@code 1.50} and {@code 1.5} are equal). */
  NUMBER,
  /** Variable-length text; an empty string counts as NULL (Oracle stores {@code ''} as NULL). */
  TEXT,
  /** Fixed-length text: trailing blanks removed (CHAR padding), then as TEXT. */
  CHAR,
  /**
   * A date with a time of day to the second (Oracle DATE, PostgreSQL timestamp(0)): written with a zero
   * fraction, so that it equals a TIMESTAMP of the same instant.
   */
  DATE,
  /** A timestamp without time zone: microseconds precision. */
  TIMESTAMP,
  /** A timestamp with time zone: converted to UTC, microseconds precision. */
  TIMESTAMP_TZ,
  /** A calendar date without time (PostgreSQL date). */
  DAY,
  BOOLEAN,
  /**
   * LOBs and binary: the MD5 of the content, so large values cost their read but nothing to transfer. The
   * digest is the column's part of the row text as it is, never hashed again; a character LOB's digest is
   * that of its text in UTF-8, empty as NULL, as a long text column's on the other side.
   */
  BINARY,
  /** Anything else: its text form in its own dialect (not comparable across dialects). */
  OTHER,
  /**
   * A type that has no text form and no hash the comparison can use (Oracle LONG, LONG RAW, BFILE, object
   * types, XMLTYPE, ANYDATA, JSON): a table that compares such a column is refused when it is prepared.
   */
  UNSUPPORTED
}
