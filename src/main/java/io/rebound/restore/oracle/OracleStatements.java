package io.rebound.restore.oracle;

import static io.rebound.target.Identifiers.quote;

import io.rebound.restore.PlannedAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every SQL statement and PL/SQL block of the Oracle schema restore. Identifiers passed in are validated
 * Oracle identifiers (see {@link io.rebound.target.Identifiers}); values travel as bind variables.
 * Destructive blocks swallow exactly the "does not exist" errors, so running them twice is harmless.
 */
public final class OracleStatements {

  /** ORA-01918: user does not exist. */
  static final int USER_DOES_NOT_EXIST = -1918;

  private OracleStatements() {}

  /** {@code IN (...)} over bind variables, for a list of names. */
  static String inList(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("an IN list needs at least one value");
    }
    return "(SELECT column_value FROM TABLE(sys.odcivarchar2list(" + String.join(", ", Collections.nCopies(count, "?")) + ")))";
  }

  /** Existing, non-Oracle-maintained users among the names, plus those starting with the prefix (if any). */
  static String existingUsers(int names, boolean withPrefix) {
    return "SELECT username FROM dba_users WHERE oracle_maintained = 'N' AND (username IN " + inList(names)
        + (withPrefix ? " OR username LIKE ? ESCAPE '\\'" : "") + ") ORDER BY username";
  }

  /** A prefix as a LIKE pattern that matches it literally ({@code _} and {@code %} escaped). */
  static String likePrefix(String prefix) {
    return prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%";
  }

  static String objectCounts(int users) {
    return "SELECT owner, COUNT(*) FROM dba_objects WHERE owner IN " + inList(users) + " GROUP BY owner";
  }

  /**
   * What other owners hold that the reset's {@code DROP USER ... CASCADE} takes with it or leaves broken: a
   * foreign key into a dropped table is dropped and the import does not bring it back; a view, synonym,
   * trigger or program unit of another schema that uses a dropped object stays invalid until it is
   * recompiled (the next use recompiles it, once the import has brought the object back). Public synonyms
   * are left out: the import brings their objects back under the same names. Binds the users four times.
   */
  static String outsideDependents(int users) {
    String in = inList(users);
    return "SELECT 'foreign key ' || c.owner || '.' || c.constraint_name || ' on table ' || c.owner || '.' || c.table_name"
        + " || ' into ' || c.r_owner || ', dropped' FROM dba_constraints c"
        + " WHERE c.constraint_type = 'R' AND c.r_owner IN " + in + " AND c.owner NOT IN " + in
        + " UNION SELECT LOWER(d.type) || ' ' || d.owner || '.' || d.name || ', invalid until recompiled' FROM dba_dependencies d"
        + " WHERE d.referenced_owner IN " + in + " AND d.owner NOT IN " + in + " AND d.owner <> 'PUBLIC' ORDER BY 1";
  }

  static String sessions(int users) {
    return "SELECT username, sid || ',' || serial# || ',@' || inst_id, program, status FROM gv$session WHERE username IN "
        + inList(users) + " ORDER BY username, sid";
  }

  static final String DEFAULT_TABLESPACE =
      "SELECT property_value FROM database_properties WHERE property_name = 'DEFAULT_PERMANENT_TABLESPACE'";

  /**
   * The product line of the server, e.g. "Oracle Database 19c Enterprise Edition", "Personal Oracle Database
   * 19c Personal Edition" or "Oracle Database 23ai Free" (PRODUCT_COMPONENT_VERSION is readable by every
   * account, unlike V$VERSION on some releases; its other rows are PL/SQL, NLSRTL, TNS).
   */
  static final String PRODUCT = "SELECT product FROM product_component_version WHERE product LIKE '%Oracle Database%' ORDER BY product";

  static final String DIRECTORY_PATH = "SELECT directory_path FROM dba_directories WHERE directory_name = ?";

  /**
   * Whether a file exists in a DIRECTORY and can be opened for reading, as the database server sees it.
   * Binds: 1 directory, 2 file name (in); 3 exists 1/0, 4 length in bytes, 5 readable 1/0 (out).
   */
  static final String FILE_ATTRIBUTES = """
      DECLARE
        v_directory  VARCHAR2(128) := ?;
        v_name       VARCHAR2(4000) := ?;
        v_exists     BOOLEAN;
        v_length     NUMBER;
        v_block_size BINARY_INTEGER;
        v_file       UTL_FILE.FILE_TYPE;
        v_readable   NUMBER := 0;
      BEGIN
        UTL_FILE.FGETATTR(v_directory, v_name, v_exists, v_length, v_block_size);
        IF v_exists THEN
          BEGIN
            v_file := UTL_FILE.FOPEN(v_directory, v_name, 'rb', 32767);
            UTL_FILE.FCLOSE(v_file);
            v_readable := 1;
          EXCEPTION WHEN OTHERS THEN
            IF UTL_FILE.IS_OPEN(v_file) THEN UTL_FILE.FCLOSE(v_file); END IF;
          END;
        END IF;
        ? := CASE WHEN v_exists THEN 1 ELSE 0 END;
        ? := v_length;
        ? := v_readable;
      END;""";

  /** The reset: the accounts locked, their sessions ended, the users dropped with all they own. */
  static List<PlannedAction> reset(List<String> existingUsers) {
    List<PlannedAction> reset = new ArrayList<>();
    existingUsers.forEach(u -> reset.add(lockAccount(u)));
    if (!existingUsers.isEmpty()) {
      reset.add(killSessions(existingUsers));
    }
    existingUsers.forEach(u -> reset.add(dropUser(u)));
    return reset;
  }

  /**
   * The bootstrap: each user created, given its configured password (by a separate action, so no statement text
   * holds one) or left locked, and allowed to connect; the owner's grants; the DIRECTORY of the dump directory.
   */
  static List<PlannedAction> bootstrap(List<String> users, String tablespace, Predicate<String> hasPassword, String owner,
      String directory, String path, String connectedAs) {
    List<PlannedAction> bootstrap = new ArrayList<>();
    for (String user : users) {
      bootstrap.add(createUser(user, tablespace));
      if (hasPassword.test(user)) {
        bootstrap.add(setPassword(user));
      }
      bootstrap.add(grantSession(user));
    }
    bootstrap.addAll(ownerGrants(owner, tablespace));
    bootstrap.addAll(directory(directory, path, owner, connectedAs));
    return bootstrap;
  }

  /** Locks an account so no new session can start; nothing if the user is gone already. */
  static PlannedAction lockAccount(String user) {
    return PlannedAction.sql(ignoring(USER_DOES_NOT_EXIST, "ALTER USER " + quote(user) + " ACCOUNT LOCK"));
  }

  /**
   * Ends every session of the users, on every instance. Sessions already gone (ORA-00030) or already
   * marked for kill (ORA-00031) are fine.
   */
  static PlannedAction killSessions(List<String> users) {
    String block = """
        BEGIN
          FOR s IN (SELECT sid, serial#, inst_id FROM gv$session WHERE username IN %s) LOOP
            BEGIN
              EXECUTE IMMEDIATE 'ALTER SYSTEM KILL SESSION ''' || s.sid || ',' || s.serial# || ',@' || s.inst_id || ''' IMMEDIATE';
            EXCEPTION WHEN OTHERS THEN
              IF SQLCODE NOT IN (-30, -31) THEN RAISE; END IF;
            END;
          END LOOP;
        END;""".formatted(inList(users.size()));
    return PlannedAction.sql(block, users.toArray(String[]::new));
  }

  /** Drops a user with everything it owns; nothing if it is gone already. */
  static PlannedAction dropUser(String user) {
    return PlannedAction.sql(ignoring(USER_DOES_NOT_EXIST, "DROP USER " + quote(user) + " CASCADE"));
  }

  /**
   * Creates a user that cannot log in yet: identified externally (no OS account matches) and locked. The
   * password is set by a separate action, so no statement text ever holds one.
   */
  static PlannedAction createUser(String user, String tablespace) {
    String create = "CREATE USER " + quote(user) + " IDENTIFIED EXTERNALLY DEFAULT TABLESPACE " + quote(tablespace) + " ACCOUNT LOCK";
    return PlannedAction.sql("""
        DECLARE
          v_count NUMBER;
        BEGIN
          SELECT COUNT(*) INTO v_count FROM dba_users WHERE username = ?;
          IF v_count = 0 THEN
            EXECUTE IMMEDIATE '%s';
          END IF;
        END;""".formatted(create.replace("'", "''")), user);
  }

  /** The password action; executed by {@link #setPasswordStatement}, shown as this text. */
  static PlannedAction setPassword(String user) {
    return PlannedAction.setPassword(user, "ALTER USER " + quote(user) + " IDENTIFIED BY <from target configuration> ACCOUNT UNLOCK");
  }

  /**
   * The statement that sets a password: Oracle takes no bind variable here, so the password is quoted and
   * must not contain a double quote. Never logged; callers log the action's description instead.
   */
  static String setPasswordStatement(String user, String password) {
    if (password.indexOf('"') >= 0 || password.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the configured password of " + user + " contains a double quote or a control character, which Oracle cannot take");
    }
    return "ALTER USER " + quote(user) + " IDENTIFIED BY \"" + password + "\" ACCOUNT UNLOCK";
  }

  static PlannedAction grantSession(String user) {
    return PlannedAction.sql("GRANT CREATE SESSION TO " + quote(user));
  }

  /** What the owner of an application schema needs to receive its objects from the import. */
  static List<PlannedAction> ownerGrants(String owner, String tablespace) {
    List<PlannedAction> actions = new ArrayList<>();
    actions.add(PlannedAction.sql("GRANT CREATE TABLE, CREATE VIEW, CREATE SEQUENCE, CREATE PROCEDURE, CREATE TRIGGER, CREATE TYPE, "
        + "CREATE SYNONYM, CREATE MATERIALIZED VIEW TO " + quote(owner)));
    actions.add(PlannedAction.sql("ALTER USER " + quote(owner) + " QUOTA UNLIMITED ON " + quote(tablespace)));
    return actions;
  }

  /**
   * The DIRECTORY the jobs read and write, pointing at the dump directory, and READ/WRITE on it for the
   * schema owner as the runbook gives it. Nothing is granted to the connected account: creating the
   * DIRECTORY gives its creator READ and WRITE already, and a grant to oneself fails (ORA-01749).
   */
  static List<PlannedAction> directory(String directory, String path, String owner, String connectedAs) {
    if (path.indexOf('\'') >= 0 || path.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the dump directory path " + path + " contains a quote or a control character");
    }
    List<PlannedAction> actions = new ArrayList<>();
    actions.add(PlannedAction.sql("CREATE OR REPLACE DIRECTORY " + quote(directory) + " AS '" + path + "'"));
    if (!owner.equalsIgnoreCase(connectedAs)) {
      actions.add(PlannedAction.sql("GRANT READ, WRITE ON DIRECTORY " + quote(directory) + " TO " + quote(owner)));
    }
    return actions;
  }

  /** Invalid objects of a schema: rows type, name. */
  static final String INVALID_OBJECTS =
      "SELECT object_type, object_name FROM dba_objects WHERE owner = ? AND status = 'INVALID' ORDER BY object_type, object_name";

  /**
   * Recompiles the schema's invalid objects in dependency order, as the schema owner's own tools would.
   * Unlike UTL_RECOMP, which only SYS can run, DBMS_UTILITY is open to an account with the ALTER ANY
   * privileges; it raises ORA-20000 when one of them is missing. Binds: 1 schema.
   */
  static final String RECOMPILE = "BEGIN DBMS_UTILITY.COMPILE_SCHEMA(schema => ?, compile_all => FALSE); END;";

  /**
   * The statement that recompiles one object, for when the schema-wide recompile cannot run; null for a type
   * of object that is not compiled this way.
   */
  static String compile(String owner, String objectType, String name) {
    String object = quote(owner) + "." + quote(name);
    return switch (objectType) {
      case "PACKAGE", "PROCEDURE", "FUNCTION", "TRIGGER", "VIEW", "TYPE", "SYNONYM", "MATERIALIZED VIEW", "JAVA SOURCE" ->
          "ALTER " + objectType + " " + object + " COMPILE";
      case "PACKAGE BODY" -> "ALTER PACKAGE " + object + " COMPILE BODY";
      case "TYPE BODY" -> "ALTER TYPE " + object + " COMPILE BODY";
      default -> null;
    };
  }

  /** The first compilation error of each object of a schema that has one: rows type, name, error text. */
  static final String FIRST_ERRORS = """
      SELECT type, name, MIN(text) KEEP (DENSE_RANK FIRST ORDER BY sequence)
        FROM dba_errors WHERE owner = ? AND attribute = 'ERROR'
       GROUP BY type, name""";

  static String countRows(String owner, String table) {
    return "SELECT COUNT(*) FROM " + quote(owner) + "." + quote(table);
  }

  static final String TABLE_EXISTS = "SELECT COUNT(*) FROM dba_tables WHERE owner = ? AND table_name = ?";

  private static String ignoring(int sqlCode, String statement) {
    return "BEGIN EXECUTE IMMEDIATE '" + statement.replace("'", "''") + "'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != " + sqlCode
        + " THEN RAISE; END IF; END;";
  }
}
