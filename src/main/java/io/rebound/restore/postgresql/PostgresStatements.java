package io.rebound.restore.postgresql;

import static io.rebound.target.Identifiers.quote;

import io.rebound.restore.PlannedAction;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every SQL statement of the PostgreSQL schema restore but the sequences' ({@link PostgresSequences}): the plan's
 * reset and bootstrap, and the catalog queries the inventory, the verifier and the jobs' progress run. Role and
 * schema names passed in are validated identifiers (see {@link io.rebound.target.Identifiers}); values travel as
 * bind variables, a list of names as one {@code text[]} ({@link #array}).
 */
final class PostgresStatements {

  private PostgresStatements() {}

  /** The requested roles that exist. Binds: 1 role names. */
  static final String EXISTING_ROLES = "SELECT rolname FROM pg_roles WHERE rolname = ANY(?) ORDER BY rolname";

  /** The roles whose names start with a prefix, PostgreSQL's own left out. Binds: 1 and 2 the prefix. */
  static final String PREFIXED_ROLES =
      "SELECT rolname FROM pg_roles WHERE left(rolname, length(?)) = ? AND rolname NOT LIKE 'pg\\_%' ORDER BY rolname";

  /** The schemas the roles own. Binds: 1 role names. */
  static final String SCHEMAS_OWNED = "SELECT nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = ANY(?) ORDER BY nspname";

  /** The schemas one role owns. Binds: 1 role. */
  static final String SCHEMAS_OF_OWNER = "SELECT nspname FROM pg_namespace WHERE pg_get_userbyid(nspowner) = ? ORDER BY nspname";

  /** Relations and functions per role: rows role, count. Binds: 1 role names. */
  static final String OBJECT_COUNTS = "SELECT r.rolname, (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)"
      + " + (SELECT count(*) FROM pg_proc p WHERE p.proowner = r.oid) FROM pg_roles r WHERE r.rolname = ANY(?)";

  /** The roles' sessions but this one: rows role, pid, application, state. Binds: 1 role names. */
  static final String SESSIONS = "SELECT usename, pid::text, application_name, state FROM pg_stat_activity"
      + " WHERE usename = ANY(?) AND pid <> pg_backend_pid() ORDER BY pid";

  /**
   * What the reset's {@code DROP SCHEMA ... CASCADE} also drops or changes outside the schemas it drops: the
   * objects of other schemas (or of none, such as a cast or a publication) that depend on a relation,
   * function, type or the schema itself. An approver sees them before anything is dropped.
   */
  static final String OUTSIDE_DEPENDENTS = "WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = ANY(?)),"
      + " refs AS (SELECT 'pg_class'::regclass AS classid, c.oid FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_proc'::regclass, p.oid FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_type'::regclass, t.oid FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM ns)"
      + " UNION ALL SELECT 'pg_namespace'::regclass, oid FROM ns),"
      // A default, a view's rule, a trigger or a policy has no schema of its own: it is in its table's.
      + " relation_of AS (SELECT 'pg_attrdef'::regclass AS classid, oid, adrelid AS relid FROM pg_attrdef"
      + " UNION ALL SELECT 'pg_rewrite'::regclass, oid, ev_class FROM pg_rewrite"
      + " UNION ALL SELECT 'pg_trigger'::regclass, oid, tgrelid FROM pg_trigger"
      + " UNION ALL SELECT 'pg_policy'::regclass, oid, polrelid FROM pg_policy)"
      + " SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) FROM pg_depend d"
      + " JOIN refs ON d.refclassid = refs.classid AND d.refobjid = refs.oid"
      + " CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o"
      + " LEFT JOIN relation_of r ON r.classid = d.classid AND r.oid = d.objid"
      + " LEFT JOIN pg_class rc ON rc.oid = r.relid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
      + " WHERE d.deptype IN ('n', 'a') AND (COALESCE(o.schema, rn.nspname) IS NULL OR NOT COALESCE(o.schema, rn.nspname) = ANY(?))"
      + " ORDER BY 1";

  /** Indexes of the schemas left invalid (a failed concurrent build). Binds: 1 schemas. */
  static final String INVALID_INDEXES = "SELECT 'index ' || n.nspname || '.' || c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
      + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY(?) AND NOT i.indisvalid ORDER BY 1";

  /** Constraints of the schemas not validated. Binds: 1 schemas. */
  static final String NOT_VALID_CONSTRAINTS = "SELECT 'constraint ' || n.nspname || '.' || c.conname || ' NOT VALID' FROM pg_constraint c"
      + " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ANY(?) AND NOT c.convalidated ORDER BY 1";

  /** The schemas holding a table of that name, the owner's first. Binds: 1 table, 2 schemas, 3 owner. */
  static final String TABLE_SCHEMAS = "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      + " WHERE c.relname = ? AND c.relkind IN ('r', 'p') AND n.nspname = ANY(?) ORDER BY n.nspname = ? DESC, n.nspname";

  /** How many tables the schemas hold, to size a safety export. Binds: 1 schemas. */
  static final String TABLE_COUNT =
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(?)";

  static String countRows(String schema, String table) {
    return "SELECT count(*) FROM " + quote(schema) + "." + quote(table);
  }

  /**
   * The reset: the roles' logins blocked, their backends ended, their schemas dropped, then what they own
   * elsewhere and the roles themselves. Every statement is harmless run twice.
   */
  static List<PlannedAction> reset(List<String> existingUsers, List<String> schemas) {
    List<PlannedAction> reset = new ArrayList<>();
    for (String user : existingUsers) {
      reset.add(PlannedAction.sql(guarded(user, "ALTER ROLE " + quote(user) + " NOLOGIN")));
    }
    if (!existingUsers.isEmpty()) {
      reset.add(PlannedAction.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(string_to_array(?, ',')) AND pid <> pg_backend_pid()",
          String.join(",", existingUsers)));
    }
    for (String schema : schemas) {
      reset.add(PlannedAction.sql("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE"));
    }
    for (String user : existingUsers) {
      reset.add(PlannedAction.sql(guarded(user, "DROP OWNED BY " + quote(user) + " CASCADE")));
      reset.add(PlannedAction.sql("DROP ROLE IF EXISTS " + quote(user)));
    }
    return reset;
  }

  /**
   * The bootstrap: each role created if absent, able to log in only when a password is configured for it (set by
   * a separate action, so no statement text holds one), and allowed to connect to the database.
   */
  static List<PlannedAction> bootstrap(List<String> users, String database, Predicate<String> hasPassword) {
    List<PlannedAction> bootstrap = new ArrayList<>();
    String quotedDatabase = quoteDatabase(database);
    for (String user : users) {
      boolean login = hasPassword.test(user);
      bootstrap.add(PlannedAction.sql(guardedAbsent(user, "CREATE ROLE " + quote(user) + (login ? " LOGIN" : " NOLOGIN"))));
      if (login) {
        bootstrap.add(PlannedAction.setPassword(user, "ALTER ROLE " + quote(user) + " PASSWORD <from target configuration>"));
      }
      bootstrap.add(PlannedAction.sql("GRANT CONNECT ON DATABASE " + quotedDatabase + " TO " + quote(user)));
    }
    return bootstrap;
  }

  /** Names as one {@code text[]} bind variable. */
  static Array array(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray());
  }

  private static String guarded(String role, String statement) {
    return "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN EXECUTE '"
        + statement.replace("'", "''") + "'; END IF; END $rebound$";
  }

  private static String guardedAbsent(String role, String statement) {
    return "DO $rebound$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN EXECUTE '"
        + statement.replace("'", "''") + "'; END IF; END $rebound$";
  }

  /** Database names come from configuration and may need any quoting. */
  private static String quoteDatabase(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
