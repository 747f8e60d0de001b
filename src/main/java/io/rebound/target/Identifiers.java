package io.rebound.target;

import io.rebound.runbook.InvalidInputException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identifier rules of each dialect, applied to every name a user gives before it reaches SQL or a
 * command line. Only plain (unquoted-style) identifiers are accepted, so a validated name can be quoted
 * safely and means the same thing quoted or not.
 */
public final class Identifiers {

  // Oracle 12.2+ allows 128 bytes; plain identifiers are ASCII here, so characters equal bytes.
  private static final Pattern ORACLE = Pattern.compile("[A-Z][A-Z0-9_$#]{0,127}");
  private static final Pattern POSTGRESQL = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");
  private static final Pattern DUMP_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
  /** Data Pump's substitution variable for the number of each file of a set, from 01. */
  private static final String FILE_SET_NUMBER = "%U";

  /** Accounts a schema restore must never drop, whatever the request says. */
  private static final Set<String> ORACLE_PROTECTED = Set.of(
      "SYS", "SYSTEM", "SYSBACKUP", "SYSDG", "SYSKM", "SYSRAC", "OUTLN", "DBSNMP", "XDB", "ANONYMOUS",
      "CTXSYS", "MDSYS", "ORDSYS", "ORDDATA", "OLAPSYS", "WMSYS", "LBACSYS", "DVSYS", "AUDSYS", "GSMADMIN_INTERNAL",
      "APPQOSSYS", "OJVMSYS", "DIP", "REMOTE_SCHEDULER_AGENT", "PUBLIC", "GGSYS", "DBSFWUSER");
  private static final Set<String> POSTGRESQL_PROTECTED = Set.of(
      "postgres", "public", "information_schema", "pg_catalog", "pg_toast");

  private Identifiers() {}

  /**
   * Validates a user-given identifier and returns it in the dialect's canonical case (upper for Oracle,
   * lower for PostgreSQL).
   */
  public static String canonical(Dialect dialect, String raw, String what) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidInputException(what + " is required");
    }
    String value = raw.strip();
    String canonical = dialect == Dialect.ORACLE ? value.toUpperCase(Locale.ROOT) : value.toLowerCase(Locale.ROOT);
    Pattern rule = dialect == Dialect.ORACLE ? ORACLE : POSTGRESQL;
    int maxLength = dialect == Dialect.ORACLE ? 128 : 63;
    if (canonical.length() > maxLength) {
      throw new InvalidInputException(what + " '" + abbreviate(value) + "' is longer than " + maxLength + " characters");
    }
    if (!rule.matcher(canonical).matches()) {
      throw new InvalidInputException(what + " '" + abbreviate(value) + "' is not a valid " + dialect.name().toLowerCase(Locale.ROOT)
          + " identifier: " + (dialect == Dialect.ORACLE
              ? "a letter, then letters, digits, _, $ or #"
              : "a letter or _, then letters, digits, _ or $"));
    }
    return canonical;
  }

  /** Like {@link #canonical} for an account or schema that will be dropped; system accounts are refused. */
  public static String droppableUser(Dialect dialect, String raw, String what) {
    String canonical = canonical(dialect, raw, what);
    boolean protectedName = dialect == Dialect.ORACLE
        ? ORACLE_PROTECTED.contains(canonical) || canonical.startsWith("APEX_") || canonical.startsWith("FLOWS_")
        : POSTGRESQL_PROTECTED.contains(canonical) || canonical.startsWith("pg_");
    if (protectedName) {
      throw new InvalidInputException(what + " '" + canonical + "' is a system account and is never dropped");
    }
    return canonical;
  }

  /**
   * A dump file name inside the dump directory, for a restore on that dialect: an Oracle dump may be a
   * Data Pump file set, its number written {@code %U} once (what a parallel export writes); pg_restore
   * reads one file.
   */
  public static String dumpFile(Dialect dialect, String raw) {
    String value = dumpFile(raw == null ? null : raw.replace(FILE_SET_NUMBER, "01"));
    if (raw.indexOf(FILE_SET_NUMBER) < 0) {
      return value;
    }
    if (dialect != Dialect.ORACLE) {
      throw new InvalidInputException("dumpFile '" + abbreviate(raw.strip()) + "' names a Data Pump file set (%U): pg_restore reads one file");
    }
    if (raw.indexOf(FILE_SET_NUMBER) != raw.lastIndexOf(FILE_SET_NUMBER)) {
      throw new InvalidInputException("dumpFile '" + abbreviate(raw.strip()) + "' may number its files (%U) only once");
    }
    return raw.strip();
  }

  /** A dump file name inside the dump directory: no directories, no traversal. */
  public static String dumpFile(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidInputException("dumpFile is required");
    }
    String value = raw.strip();
    if (value.contains("/") || value.contains("\\") || value.contains("..")) {
      throw new InvalidInputException("dumpFile '" + abbreviate(value) + "' must be a file name inside the target's dump directory, without path parts");
    }
    if (!DUMP_FILE.matcher(value).matches()) {
      throw new InvalidInputException("dumpFile '" + abbreviate(value) + "' may hold only letters, digits, '.', '_' and '-' (at most 200)");
    }
    return value;
  }

  /** Quotes an identifier that {@link #canonical} accepted. */
  public static String quote(String canonicalIdentifier) {
    if (canonicalIdentifier.indexOf('"') >= 0) {
      throw new IllegalArgumentException("identifier was not validated: " + canonicalIdentifier);
    }
    return '"' + canonicalIdentifier + '"';
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
