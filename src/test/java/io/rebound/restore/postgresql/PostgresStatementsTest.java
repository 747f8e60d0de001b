package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.PlannedAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's reset and bootstrap on PostgreSQL, statement by statement. */
class PostgresStatementsTest {

  @Test
  void shouldBlockLoginsEndBackendsThenDropSchemasWhatTheRolesOwnAndTheRoles() {
    List<PlannedAction> reset = PostgresStatements.reset(List.of("winstore_admin", "winstore_app"), List.of("winstore_admin"));

    assertThat(reset).extracting(PlannedAction::describe).containsExactly(
        "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_admin') THEN EXECUTE"
            + " 'ALTER ROLE \"winstore_admin\" NOLOGIN'; END IF; END $rebound$",
        "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_app') THEN EXECUTE"
            + " 'ALTER ROLE \"winstore_app\" NOLOGIN'; END IF; END $rebound$",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ANY(string_to_array(?, ',')) AND pid <> pg_backend_pid()"
            + "  -- binds: winstore_admin,winstore_app",
        "DROP SCHEMA IF EXISTS \"winstore_admin\" CASCADE",
        "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_admin') THEN EXECUTE"
            + " 'DROP OWNED BY \"winstore_admin\" CASCADE'; END IF; END $rebound$",
        "DROP ROLE IF EXISTS \"winstore_admin\"",
        "DO $rebound$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_app') THEN EXECUTE"
            + " 'DROP OWNED BY \"winstore_app\" CASCADE'; END IF; END $rebound$",
        "DROP ROLE IF EXISTS \"winstore_app\"");
  }

  @Test
  void shouldResetNothingWhenNoRoleExists() {
    assertThat(PostgresStatements.reset(List.of(), List.of())).isEmpty();
  }

  @Test
  void shouldCreateARoleThatLogsInOnlyWithAConfiguredPasswordNeverWrittenIntoTheStatements() {
    List<PlannedAction> bootstrap = PostgresStatements.bootstrap(List.of("winstore_admin", "winstore_read"), "app \"main\"",
        "winstore_admin"::equals);

    assertThat(bootstrap).extracting(PlannedAction::kind).containsExactly(PlannedAction.Kind.SQL, PlannedAction.Kind.SET_PASSWORD,
        PlannedAction.Kind.SQL, PlannedAction.Kind.SQL, PlannedAction.Kind.SQL);
    assertThat(bootstrap).extracting(PlannedAction::describe).containsExactly(
        "DO $rebound$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_admin') THEN EXECUTE"
            + " 'CREATE ROLE \"winstore_admin\" LOGIN'; END IF; END $rebound$",
        "ALTER ROLE \"winstore_admin\" PASSWORD <from target configuration>",
        "GRANT CONNECT ON DATABASE \"app \"\"main\"\"\" TO \"winstore_admin\"",
        "DO $rebound$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'winstore_read') THEN EXECUTE"
            + " 'CREATE ROLE \"winstore_read\" NOLOGIN'; END IF; END $rebound$",
        "GRANT CONNECT ON DATABASE \"app \"\"main\"\"\" TO \"winstore_read\"");
    assertThat(bootstrap.get(1).user()).isEqualTo("winstore_admin");
  }

  @Test
  void shouldCountTheRowsOfATableByItsQuotedName() {
    assertThat(PostgresStatements.countRows("winstore_admin", "Order Lines")).isEqualTo("SELECT count(*) FROM \"winstore_admin\".\"Order Lines\"");
  }
}
