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
  void shouldCreateTheDirectoryAndGrantItToTheOwnerAndSystem() {
    assertThat(OracleStatements.directory("WINSTORE_DUMP", "/opt/oracle/full_backups", "WINSTORE_ADMIN")).extracting(PlannedAction::sql)
        .containsExactly("CREATE OR REPLACE DIRECTORY \"WINSTORE_DUMP\" AS '/opt/oracle/full_backups'",
            "GRANT READ, WRITE ON DIRECTORY \"WINSTORE_DUMP\" TO \"WINSTORE_ADMIN\"",
            "GRANT READ, WRITE ON DIRECTORY \"WINSTORE_DUMP\" TO SYSTEM");
    assertThatThrownBy(() -> OracleStatements.directory("D", "/x'; DROP", "O")).isInstanceOf(IllegalArgumentException.class);
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
