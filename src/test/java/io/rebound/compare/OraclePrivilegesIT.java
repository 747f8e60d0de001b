package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The privilege check's statement run as it is, and its answer read, on a real server: Oracle cannot run
 * here, so PostgreSQL holds tables of the catalog views' names and columns (SESSION_PRIVS, SESSION_ROLES,
 * ALL_TAB_PRIVS, DUAL) with the rows Oracle would show. What a grant to the user, to PUBLIC, to an enabled
 * role or to someone else counts for, and what the probe finds where the catalog shows nothing, is Oracle's
 * SQL and this class's code; that Oracle shows these rows is its documentation's (OracleComparisonIT runs
 * it where Docker is).
 */
class OraclePrivilegesIT {

  static EmbeddedPostgres server;
  Connection connection;
  final OracleCompareSql oracle = new OracleCompareSql();

  static final TableRef GONE = new TableRef("SHOP", "GONE");
  static final List<Column> WITH_LOB = List.of(new Column("ID", "NUMBER(10,0)", ColumnKind.NUMBER), new Column("NOTE", "CLOB", ColumnKind.BINARY));

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void catalog() throws SQLException {
    connection = server.getPostgresDatabase().getConnection();
    run("DROP SCHEMA IF EXISTS catalog CASCADE", "DROP SCHEMA IF EXISTS \"SHOP\" CASCADE", "CREATE SCHEMA catalog",
        "CREATE TABLE catalog.session_privs (privilege text)", "CREATE TABLE catalog.session_roles (role text)",
        "CREATE TABLE catalog.all_tab_privs (grantor text, grantee text, table_schema text, table_name text, privilege text)",
        "CREATE TABLE catalog.dual (dummy text)", "INSERT INTO catalog.dual VALUES ('X')", "SET search_path = catalog");
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
  }

  @Test
  void shouldNameWhatNoGrantGives() throws Exception {
    run("INSERT INTO session_privs VALUES ('CREATE SESSION')", "INSERT INTO session_roles VALUES ('CONNECT')",
        "INSERT INTO all_tab_privs VALUES (USER, 'SCOTT', 'SHOP', 'GONE', 'SELECT')",
        "INSERT INTO all_tab_privs VALUES ('SYS', 'SCOTT', 'SYS', 'DBMS_CRYPTO', 'EXECUTE')",
        "INSERT INTO all_tab_privs VALUES ('SHOP', USER, 'SHOP', 'GONE', 'INSERT')");

    assertThat(oracle.missingPrivileges(connection, GONE, WITH_LOB)).as("granted to someone else, or another privilege")
        .containsExactly("READ (or SELECT) on SHOP.GONE", "EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB column NOTE)");
  }

  @Test
  void shouldCountGrantsToTheUserToPublicAndToEnabledRoles() throws Exception {
    run("INSERT INTO session_roles VALUES ('READERS')", "INSERT INTO all_tab_privs VALUES ('SHOP', 'READERS', 'SHOP', 'GONE', 'READ')",
        "INSERT INTO all_tab_privs VALUES ('SYS', 'PUBLIC', 'SYS', 'DBMS_CRYPTO', 'EXECUTE')");

    assertThat(oracle.missingPrivileges(connection, GONE, WITH_LOB)).isEmpty();

    run("DELETE FROM all_tab_privs", "INSERT INTO all_tab_privs VALUES ('SHOP', USER, 'SHOP', 'GONE', 'SELECT')",
        "INSERT INTO all_tab_privs VALUES ('SYS', USER, 'SYS', 'DBMS_CRYPTO', 'EXECUTE')");

    assertThat(oracle.missingPrivileges(connection, GONE, WITH_LOB)).isEmpty();
  }

  @Test
  void shouldCountReadAnyTable() throws Exception {
    run("INSERT INTO session_privs VALUES ('SELECT ANY TABLE')");

    assertThat(oracle.missingPrivileges(connection, GONE, WITH_LOB.subList(0, 1))).isEmpty();
    assertThat(oracle.missingPrivileges(connection, GONE, WITH_LOB)).as("a privilege on any table does not reach DBMS_CRYPTO")
        .containsExactly("EXECUTE on SYS.DBMS_CRYPTO (to hash the LOB column NOTE)");
  }

  @Test
  void shouldNotRefuseATableThatCanBeReadThoughTheCatalogShowsNoGrant() throws Exception {
    run("CREATE SCHEMA \"SHOP\"", "CREATE TABLE \"SHOP\".\"ITEMS\" (id int)");

    assertThat(oracle.missingPrivileges(connection, new TableRef("SHOP", "ITEMS"), WITH_LOB.subList(0, 1))).isEmpty();
  }

  private void run(String... statements) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
