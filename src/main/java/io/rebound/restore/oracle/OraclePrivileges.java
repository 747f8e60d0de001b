package io.rebound.restore.oracle;

import static io.rebound.target.Jdbc.queryLong;
import static io.rebound.target.Jdbc.queryStrings;

import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The privileges the schema restore needs from the account it connects as, and the check of them before
 * anything runs. What the session holds is read from SESSION_PRIVS and SESSION_ROLES (privileges and roles
 * in force now, whether granted directly or through roles such as DBA) and ALL_TAB_PRIVS (object
 * privileges granted to the account, to PUBLIC or to an enabled role).
 */
final class OraclePrivileges {

  /** A privilege the restore needs, with the alternatives that serve as well. */
  record Need(String name, String why, List<String> privileges, List<String> roles) {}

  /** System privileges and roles, each with what it is needed for. */
  static final List<Need> SYSTEM = List.of(
      new Need("CREATE SESSION", "connect", List.of("CREATE SESSION"), List.of()),
      new Need("CREATE USER", "the bootstrap creates the users", List.of("CREATE USER"), List.of()),
      new Need("ALTER USER", "lock accounts, set passwords and quotas", List.of("ALTER USER"), List.of()),
      new Need("DROP USER", "the reset drops the users CASCADE", List.of("DROP USER"), List.of()),
      new Need("ALTER SYSTEM", "end the users' sessions (ALTER SYSTEM KILL SESSION)", List.of("ALTER SYSTEM"), List.of()),
      new Need("CREATE ANY DIRECTORY", "create the DIRECTORY of the dump directory", List.of("CREATE ANY DIRECTORY"), List.of()),
      new Need("GRANT ANY PRIVILEGE", "grant the recreated users their system privileges", List.of("GRANT ANY PRIVILEGE"), List.of()),
      new Need("GRANT ANY OBJECT PRIVILEGE", "grant READ, WRITE on a DIRECTORY another account created",
          List.of("GRANT ANY OBJECT PRIVILEGE"), List.of()),
      new Need("SELECT ANY DICTIONARY", "read DBA_USERS, DBA_OBJECTS, GV$SESSION, DBA_DATAPUMP_JOBS and the like",
          List.of("SELECT ANY DICTIONARY"), List.of("SELECT_CATALOG_ROLE")),
      new Need("SELECT ANY TABLE", "count the rows of the key tables, find a column's highest value", List.of("SELECT ANY TABLE"), List.of()),
      new Need("SELECT ANY SEQUENCE", "read the restored sequences", List.of("SELECT ANY SEQUENCE"), List.of()),
      new Need("ALTER ANY SEQUENCE", "move sequences past the values in use", List.of("ALTER ANY SEQUENCE"), List.of()),
      new Need("ALTER ANY TABLE", "move identity columns past the values in use, recompile views", List.of("ALTER ANY TABLE"), List.of()),
      new Need("ALTER ANY PROCEDURE", "recompile procedures, functions and packages", List.of("ALTER ANY PROCEDURE"), List.of()),
      new Need("ALTER ANY TRIGGER", "recompile triggers", List.of("ALTER ANY TRIGGER"), List.of()),
      new Need("ALTER ANY TYPE", "recompile types", List.of("ALTER ANY TYPE"), List.of()),
      new Need("DATAPUMP_EXP_FULL_DATABASE", "export other users' schemas (the safety export)", List.of(),
          List.of("DATAPUMP_EXP_FULL_DATABASE", "EXP_FULL_DATABASE")),
      new Need("DATAPUMP_IMP_FULL_DATABASE", "import another user's schema", List.of(),
          List.of("DATAPUMP_IMP_FULL_DATABASE", "IMP_FULL_DATABASE")));

  /** The packages (and the type) of SYS the restore runs, all granted to PUBLIC by default, often revoked by hardening. */
  static final List<String> PACKAGES = List.of("DBMS_DATAPUMP", "UTL_FILE", "DBMS_LOB", "DBMS_UTILITY", "ODCIVARCHAR2LIST");

  static final String SESSION_PRIVILEGES = "SELECT privilege FROM session_privs";

  static final String SESSION_ROLES = "SELECT role FROM session_roles";

  /**
   * The EXECUTE privileges on the packages and the privileges on the DIRECTORY that the account holds, as
   * {@code NAME PRIVILEGE} rows. ALL_TAB_PRIVS also lists grants the account made or received as owner, so
   * the grantee is named. Binds: the package names, then the DIRECTORY name.
   */
  static String objectPrivileges(int packages) {
    return "SELECT table_name || ' ' || privilege FROM all_tab_privs WHERE table_schema = 'SYS' AND table_name IN ("
        + String.join(", ", Collections.nCopies(packages + 1, "?")) + ")"
        + " AND grantee IN (SELECT USER FROM dual UNION ALL SELECT 'PUBLIC' FROM dual UNION ALL SELECT role FROM session_roles)";
  }

  /** The binds of {@link #objectPrivileges}. */
  static List<Object> objectPrivilegeBinds(String directory) {
    List<Object> binds = new ArrayList<>(PACKAGES);
    binds.add(directory);
    return binds;
  }

  /** Whether the DIRECTORY exists, whoever created it (ALL_DIRECTORIES would hide one the account cannot use). Binds: its name. */
  static final String DIRECTORY_EXISTS = "SELECT COUNT(*) FROM dba_directories WHERE directory_name = ?";

  private OraclePrivileges() {}

  /**
   * Reads what the account holds and throws, naming all that is missing, when it lacks anything the restore needs;
   * either way the step's log says what was found.
   */
  static void check(Target target, StepLog log) {
    try (Connection connection = target.connect()) {
      check(connection, target, log);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the privileges of " + target.username() + " on target " + target.name() + ": " + e.getMessage(), e);
    }
  }

  /** {@link #check(Target, StepLog)} on a connection of the target's. */
  static void check(Connection connection, Target target, StepLog log) throws SQLException {
    Set<String> privileges = new HashSet<>(queryStrings(connection, SESSION_PRIVILEGES));
    Set<String> roles = new HashSet<>(queryStrings(connection, SESSION_ROLES));
    String directory = OracleDumpFiles.directory(target);
    Set<String> objects = new HashSet<>(queryStrings(connection, objectPrivileges(PACKAGES.size()), objectPrivilegeBinds(directory).toArray()));
    boolean dictionary = privileges.contains("SELECT ANY DICTIONARY") || roles.contains("SELECT_CATALOG_ROLE");
    boolean directoryExists = dictionary && queryLong(connection, DIRECTORY_EXISTS, directory) > 0;
    List<String> missing = missing(privileges, roles, objects, directory, directoryExists);
    if (!missing.isEmpty()) {
      log.ran("privileges of " + target.username(), "missing: " + String.join("; ", missing));
      throw new IllegalStateException("the account " + target.username() + " on target " + target.name()
          + " lacks what the schema restore needs (nothing has been changed): " + String.join("; ", missing));
    }
    log.ran("privileges of " + target.username(), "every privilege the schema restore needs is held");
  }

  /**
   * What is missing, each named as a DBA would grant it and with what it is for; empty when nothing is.
   *
   * @param directoryExists whether the DIRECTORY exists: then the account needs READ and WRITE on it, since
   *     replacing it does not grant them (only creating it does)
   */
  static List<String> missing(Set<String> privileges, Set<String> roles, Set<String> objectPrivileges, String directory,
      boolean directoryExists) {
    Set<String> held = upper(privileges);
    Set<String> enabled = upper(roles);
    Set<String> objects = upper(objectPrivileges);
    List<String> missing = new ArrayList<>();
    for (Need need : SYSTEM) {
      boolean has = need.privileges().stream().anyMatch(held::contains) || need.roles().stream().anyMatch(enabled::contains);
      if (!has) {
        missing.add(need.name() + " (" + need.why() + ")");
      }
    }
    for (String name : PACKAGES) {
      if (!objects.contains(name + " EXECUTE")) {
        missing.add("EXECUTE ON SYS." + name);
      }
    }
    if (directoryExists) {
      for (String privilege : List.of("READ", "WRITE")) {
        if (!objects.contains(directory.toUpperCase(Locale.ROOT) + " " + privilege)) {
          missing.add(privilege + " ON DIRECTORY " + directory + " (it exists already, created by another account)");
        }
      }
    }
    return missing;
  }

  private static Set<String> upper(Set<String> names) {
    Set<String> result = new TreeSet<>();
    names.forEach(n -> result.add(n.strip().toUpperCase(Locale.ROOT)));
    return result;
  }
}
