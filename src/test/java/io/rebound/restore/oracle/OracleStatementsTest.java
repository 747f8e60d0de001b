package io.rebound.restore.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.restore.PlannedAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class OracleStatementsTest {

  @Test
  void shouldBindEveryNameOfAnInList() {
    assertThat(OracleStatements.inList(3)).isEqualTo("(SELECT column_value FROM TABLE(sys.odcivarchar2list(?, ?, ?)))");
    assertThatThrownBy(() -> OracleStatements.inList(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(OracleStatements.existingUsers(2, true))
        .isEqualTo("SELECT username FROM dba_users WHERE oracle_maintained = 'N' AND (username IN "
            + "(SELECT column_value FROM TABLE(sys.odcivarchar2list(?, ?))) OR username LIKE ? ESCAPE '\\') ORDER BY username");
  }

  @Test
  void shouldFindWhatOtherOwnersLoseOrHaveBrokenByTheDrop() {
    String sql = OracleStatements.outsideDependents(2);

    assertThat(sql.chars().filter(c -> c == '?').count()).as("the users bound four times").isEqualTo(8);
    assertThat(sql).contains("FROM dba_constraints c WHERE c.constraint_type = 'R' AND c.r_owner IN " + OracleStatements.inList(2)
        + " AND c.owner NOT IN " + OracleStatements.inList(2));
    assertThat(sql).contains("FROM dba_dependencies d WHERE d.referenced_owner IN " + OracleStatements.inList(2)
        + " AND d.owner NOT IN " + OracleStatements.inList(2) + " AND d.owner <> 'PUBLIC'");
    assertThat(sql).contains("|| ', dropped'", "|| ', invalid until recompiled'").endsWith(" ORDER BY 1");
  }

  @Test
  void shouldMatchAPrefixLiterally() {
    assertThat(OracleStatements.likePrefix("WINSTORE_")).isEqualTo("WINSTORE\\_%");
    assertThat(OracleStatements.likePrefix("A%B")).isEqualTo("A\\%B%");
  }

  @Test
  void shouldDropAndLockUsersIdempotently() {
    assertThat(OracleStatements.dropUser("WINSTORE_ADMIN").sql()).isEqualTo(
        "BEGIN EXECUTE IMMEDIATE 'DROP USER \"WINSTORE_ADMIN\" CASCADE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -1918 THEN RAISE; END IF; END;");
    assertThat(OracleStatements.lockAccount("WINSTORE_APP").sql()).isEqualTo(
        "BEGIN EXECUTE IMMEDIATE 'ALTER USER \"WINSTORE_APP\" ACCOUNT LOCK'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -1918 THEN RAISE; END IF; END;");
  }

  @Test
  void shouldKillTheSessionsOfTheBoundUsersOnEveryInstance() {
    PlannedAction kill = OracleStatements.killSessions(List.of("WINSTORE_ADMIN", "WINSTORE_APP"));

    assertThat(kill.binds()).containsExactly("WINSTORE_ADMIN", "WINSTORE_APP");
    assertThat(kill.sql()).contains("FROM gv$session WHERE username IN (SELECT column_value FROM TABLE(sys.odcivarchar2list(?, ?)))")
        .contains("'ALTER SYSTEM KILL SESSION ''' || s.sid || ',' || s.serial# || ',@' || s.inst_id || ''' IMMEDIATE'")
        .contains("IF SQLCODE NOT IN (-30, -31) THEN RAISE; END IF;");
  }

  @Test
  void shouldCreateUsersThatCannotLogInUntilAPasswordIsSet() {
    PlannedAction create = OracleStatements.createUser("WINSTORE_APP", "USERS");

    assertThat(create.binds()).containsExactly("WINSTORE_APP");
    assertThat(create.sql()).contains("SELECT COUNT(*) INTO v_count FROM dba_users WHERE username = ?")
        .contains("EXECUTE IMMEDIATE 'CREATE USER \"WINSTORE_APP\" IDENTIFIED EXTERNALLY DEFAULT TABLESPACE \"USERS\" ACCOUNT LOCK'");
    PlannedAction password = OracleStatements.setPassword("WINSTORE_APP");
    assertThat(password.kind()).isEqualTo(PlannedAction.Kind.SET_PASSWORD);
    assertThat(password.describe()).isEqualTo("ALTER USER \"WINSTORE_APP\" IDENTIFIED BY <from target configuration> ACCOUNT UNLOCK");
  }

  @Test
  void shouldQuoteAPasswordOracleCanTakeAndRefuseOneItCannot() {
    assertThat(OracleStatements.setPasswordStatement("WINSTORE_APP", "Pa ss'w0rd"))
        .isEqualTo("ALTER USER \"WINSTORE_APP\" IDENTIFIED BY \"Pa ss'w0rd\" ACCOUNT UNLOCK");
    assertThatThrownBy(() -> OracleStatements.setPasswordStatement("WINSTORE_APP", "a\"b"))
        .hasMessageContaining("double quote").hasMessageNotContaining("a\"b");
  }

  @Test
  void shouldCreateTheDirectoryAndGrantItToTheOwnerButNeverToTheConnectedAccount() {
    // SYSTEM created the DIRECTORY, so it holds READ and WRITE; a grant to itself would fail (ORA-01749).
    assertThat(OracleStatements.directory("WINSTORE_DUMP", "/opt/oracle/full_backups", "WINSTORE_ADMIN", "system")).extracting(PlannedAction::sql)
        .containsExactly("CREATE OR REPLACE DIRECTORY \"WINSTORE_DUMP\" AS '/opt/oracle/full_backups'",
            "GRANT READ, WRITE ON DIRECTORY \"WINSTORE_DUMP\" TO \"WINSTORE_ADMIN\"");
    assertThat(OracleStatements.directory("WINSTORE_DUMP", "/opt/oracle/full_backups", "SYSTEM", "system")).extracting(PlannedAction::sql)
        .containsExactly("CREATE OR REPLACE DIRECTORY \"WINSTORE_DUMP\" AS '/opt/oracle/full_backups'");
    assertThatThrownBy(() -> OracleStatements.directory("D", "/x'; DROP", "O", "system")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OracleStatements.directory("D", "/x\nDROP", "O", "system")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRecompileWithDbmsUtilityWhichSystemMayRunAndNotUtlRecompWhichNeedsSysdba() {
    assertThat(OracleStatements.RECOMPILE).isEqualTo("BEGIN DBMS_UTILITY.COMPILE_SCHEMA(schema => ?, compile_all => FALSE); END;")
        .doesNotContain("UTL_RECOMP");
    assertThat(OracleStatements.INVALID_OBJECTS).contains("FROM dba_objects WHERE owner = ? AND status = 'INVALID'");
    assertThat(OracleStatements.FIRST_ERRORS).contains("FROM dba_errors WHERE owner = ? AND attribute = 'ERROR'")
        .contains("KEEP (DENSE_RANK FIRST ORDER BY sequence)");
  }

  @Test
  void shouldRecompileEachKindOfObjectWithItsOwnStatement() {
    assertThat(OracleStatements.compile("W", "PACKAGE BODY", "P")).isEqualTo("ALTER PACKAGE \"W\".\"P\" COMPILE BODY");
    assertThat(OracleStatements.compile("W", "TYPE BODY", "T")).isEqualTo("ALTER TYPE \"W\".\"T\" COMPILE BODY");
    assertThat(OracleStatements.compile("W", "VIEW", "V")).isEqualTo("ALTER VIEW \"W\".\"V\" COMPILE");
    assertThat(OracleStatements.compile("W", "MATERIALIZED VIEW", "M")).isEqualTo("ALTER MATERIALIZED VIEW \"W\".\"M\" COMPILE");
    assertThat(OracleStatements.compile("W", "FUNCTION", "F")).isEqualTo("ALTER FUNCTION \"W\".\"F\" COMPILE");
    assertThat(OracleStatements.compile("W", "TABLE", "T")).isNull();
  }

  @Test
  void shouldReadTheEditionFromAViewEveryAccountMayRead() {
    // Personal Edition's product line starts with "Personal": matched anywhere.
    assertThat(OracleStatements.PRODUCT).contains("FROM product_component_version WHERE product LIKE '%Oracle Database%'");
  }

  @Test
  void shouldGiveTheOwnerWhatTheImportNeeds() {
    assertThat(OracleStatements.ownerGrants("WINSTORE_ADMIN", "USERS")).extracting(PlannedAction::sql).containsExactly(
        "GRANT CREATE TABLE, CREATE VIEW, CREATE SEQUENCE, CREATE PROCEDURE, CREATE TRIGGER, CREATE TYPE, CREATE SYNONYM, "
            + "CREATE MATERIALIZED VIEW TO \"WINSTORE_ADMIN\"",
        "ALTER USER \"WINSTORE_ADMIN\" QUOTA UNLIMITED ON \"USERS\"");
  }

  @Test
  void shouldCountRowsOfQuotedTables() {
    assertThat(OracleStatements.countRows("WINSTORE_ADMIN", "PRODUCTS")).isEqualTo("SELECT COUNT(*) FROM \"WINSTORE_ADMIN\".\"PRODUCTS\"");
  }
}
