package io.rebound.compare;

import io.rebound.target.Dialect;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a comparison's WHERE filter may call and cast to, per dialect: a short list of functions that only
 * compute on their arguments (no file, setting, session, sequence, lock or network is reached, nothing is
 * written, nothing waits), and plain types. A filter runs on both sides, so a function or type must be on
 * the list of each side's dialect.
 */
final class FilterFunctions {

  private FilterFunctions() {}

  /**
   * How a function may be called.
   *
   * @param minArguments fewest arguments
   * @param maxArguments most arguments
   * @param literals the positions (from 0) of arguments that must be literals: a format, a precision, a
   *     set of characters, a unit
   * @param catalog a function of PostgreSQL's catalog, written {@code pg_catalog.name(...)} there, so no
   *     function of that name elsewhere on the search path is called instead; COALESCE and NULLIF are
   *     grammar rather than functions and are written bare
   */
  record Rule(int minArguments, int maxArguments, Set<Integer> literals, boolean catalog) {}

  private static Rule any(int min, int max) {
    return new Rule(min, max, Set.of(), true);
  }

  private static Rule literalAt(int min, int max, int position) {
    return new Rule(min, max, Set.of(position), true);
  }

  /** COALESCE takes a list; more than this many arguments is not a filter anyone needs. */
  static final int MAX_COALESCE = 16;

  private static final Map<String, Rule> POSTGRESQL = Map.ofEntries(
      Map.entry("lower", any(1, 1)),
      Map.entry("upper", any(1, 1)),
      Map.entry("trim", any(1, 1)),
      Map.entry("ltrim", literalAt(1, 2, 1)),
      Map.entry("rtrim", literalAt(1, 2, 1)),
      Map.entry("length", any(1, 1)),
      Map.entry("char_length", any(1, 1)),
      Map.entry("substr", any(2, 3)),
      Map.entry("substring", any(2, 3)),
      Map.entry("coalesce", new Rule(2, MAX_COALESCE, Set.of(), false)),
      Map.entry("nullif", new Rule(2, 2, Set.of(), false)),
      Map.entry("abs", any(1, 1)),
      Map.entry("round", literalAt(1, 2, 1)),
      Map.entry("trunc", literalAt(1, 2, 1)),
      Map.entry("floor", any(1, 1)),
      Map.entry("ceil", any(1, 1)),
      Map.entry("mod", any(2, 2)),
      // The unit first, a literal from DATE_TRUNC_UNITS; a third argument (a time zone) is not taken.
      Map.entry("date_trunc", literalAt(2, 2, 0)));

  private static final Map<String, Rule> ORACLE = Map.ofEntries(
      Map.entry("lower", any(1, 1)),
      Map.entry("upper", any(1, 1)),
      Map.entry("trim", any(1, 1)),
      Map.entry("ltrim", literalAt(1, 2, 1)),
      Map.entry("rtrim", literalAt(1, 2, 1)),
      Map.entry("length", any(1, 1)),
      Map.entry("substr", any(2, 3)),
      Map.entry("coalesce", new Rule(2, MAX_COALESCE, Set.of(), false)),
      Map.entry("nullif", new Rule(2, 2, Set.of(), false)),
      Map.entry("nvl", any(2, 2)),
      Map.entry("abs", any(1, 1)),
      // Numbers and dates; the second argument a precision or a format.
      Map.entry("round", literalAt(1, 2, 1)),
      Map.entry("trunc", literalAt(1, 2, 1)),
      Map.entry("floor", any(1, 1)),
      Map.entry("ceil", any(1, 1)),
      Map.entry("mod", any(2, 2)),
      // With a literal format, so the session's NLS settings do not decide what the text means.
      Map.entry("to_date", literalAt(2, 2, 1)),
      Map.entry("to_timestamp", literalAt(2, 2, 1)));

  /** The units DATE_TRUNC takes. */
  static final Set<String> DATE_TRUNC_UNITS = Set.of("microseconds", "milliseconds", "second", "minute", "hour", "day", "week",
      "month", "quarter", "year", "decade", "century", "millennium");

  /** The rule of a function (lower-case name) on a dialect, or null where the filter may not call it. */
  static Rule function(Dialect dialect, String name) {
    return (dialect == Dialect.ORACLE ? ORACLE : POSTGRESQL).get(name);
  }

  /** The functions every one of the dialects allows, sorted, for messages. */
  static Set<String> functions(Collection<Dialect> dialects) {
    Set<String> names = new TreeSet<>(POSTGRESQL.keySet());
    names.addAll(ORACLE.keySet());
    names.removeIf(name -> dialects.stream().anyMatch(dialect -> function(dialect, name) == null));
    return names;
  }

  /**
   * A type a filter may cast to.
   *
   * @param minArguments fewest arguments in parentheses (a length, a precision and scale)
   * @param maxArguments most
   * @param postgresName how PostgreSQL is given the type: SQL's own type names are grammar there, others
   *     ({@code text}, {@code date}) are looked up on the search path unless qualified with pg_catalog
   */
  record Type(int minArguments, int maxArguments, String postgresName) {}

  private static final Map<String, Type> POSTGRESQL_TYPES = Map.ofEntries(
      Map.entry("smallint", new Type(0, 0, "smallint")),
      Map.entry("integer", new Type(0, 0, "integer")),
      Map.entry("int", new Type(0, 0, "int")),
      Map.entry("bigint", new Type(0, 0, "bigint")),
      Map.entry("numeric", new Type(0, 2, "numeric")),
      Map.entry("decimal", new Type(0, 2, "decimal")),
      Map.entry("real", new Type(0, 0, "real")),
      Map.entry("double precision", new Type(0, 0, "double precision")),
      Map.entry("text", new Type(0, 0, "pg_catalog.text")),
      Map.entry("varchar", new Type(0, 1, "varchar")),
      Map.entry("char", new Type(0, 1, "char")),
      Map.entry("date", new Type(0, 0, "pg_catalog.date")),
      Map.entry("timestamp", new Type(0, 1, "timestamp")),
      Map.entry("timestamptz", new Type(0, 1, "pg_catalog.timestamptz")),
      Map.entry("boolean", new Type(0, 0, "boolean")));

  private static final Map<String, Type> ORACLE_TYPES = Map.ofEntries(
      Map.entry("smallint", new Type(0, 0, null)),
      Map.entry("integer", new Type(0, 0, null)),
      Map.entry("int", new Type(0, 0, null)),
      Map.entry("number", new Type(0, 2, null)),
      Map.entry("numeric", new Type(0, 2, null)),
      Map.entry("decimal", new Type(0, 2, null)),
      Map.entry("float", new Type(0, 1, null)),
      Map.entry("binary_float", new Type(0, 0, null)),
      Map.entry("binary_double", new Type(0, 0, null)),
      // Oracle's CAST needs the length of text types.
      Map.entry("varchar2", new Type(1, 1, null)),
      Map.entry("varchar", new Type(1, 1, null)),
      Map.entry("nvarchar2", new Type(1, 1, null)),
      Map.entry("char", new Type(1, 1, null)),
      Map.entry("date", new Type(0, 0, null)),
      Map.entry("timestamp", new Type(0, 1, null)));

  /** The type (lower-case name, spaces single) on a dialect, or null where the filter may not cast to it. */
  static Type type(Dialect dialect, String name) {
    return (dialect == Dialect.ORACLE ? ORACLE_TYPES : POSTGRESQL_TYPES).get(name);
  }

  /** The types every one of the dialects allows, sorted, for messages. */
  static Set<String> types(Collection<Dialect> dialects) {
    Set<String> names = new TreeSet<>(POSTGRESQL_TYPES.keySet());
    names.addAll(ORACLE_TYPES.keySet());
    names.removeIf(name -> dialects.stream().anyMatch(dialect -> type(dialect, name) == null));
    return names;
  }

  /**
   * Names that are not columns of a table although they read like one: system columns, pseudo-columns and
   * the niladic functions of SQL (which the parser takes for column names), in lower case.
   */
  static final Set<String> NOT_COLUMNS = Set.of(
      // PostgreSQL's system columns and SQL's functions without parentheses
      "ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", "oid", "current_user", "session_user", "user", "current_role",
      "current_catalog", "current_schema", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp",
      "system_user",
      // Oracle's pseudo-columns and functions without parentheses
      "rowid", "rownum", "ora_rowscn", "level", "sysdate", "systimestamp", "uid", "sessiontimezone", "dbtimezone",
      "connect_by_iscycle", "connect_by_isleaf", "object_id", "object_value", "column_value", "xmldata", "ora_shardspace_name");
}
