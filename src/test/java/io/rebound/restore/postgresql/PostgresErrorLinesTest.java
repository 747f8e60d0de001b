package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresErrorLinesTest {

  @Test
  void shouldKeepErrorsWithTheCommandTheyWereAbout() {
    List<String> log = List.of(
        "pg_restore: connecting to database for restore",
        "pg_restore: creating TABLE \"winstore_admin.products\"",
        "pg_restore: while PROCESSING TOC:",
        "pg_restore: from TOC entry 215; 1259 16391 TABLE products winstore_admin",
        "pg_restore: error: could not execute query: ERROR:  role \"winstore_admin\" does not exist",
        "Command was: ALTER TABLE winstore_admin.products OWNER TO winstore_admin;",
        "pg_restore: processing data for table \"winstore_admin.products\"",
        "pg_restore: warning: errors ignored on restore: 1");

    assertThat(PostgresJobs.errorLines(log)).containsExactly(
        "pg_restore: error: could not execute query: ERROR:  role \"winstore_admin\" does not exist",
        "Command was: ALTER TABLE winstore_admin.products OWNER TO winstore_admin;",
        "pg_restore: warning: errors ignored on restore: 1");
  }

  @Test
  void shouldFindNoErrorsInACleanRun() {
    assertThat(PostgresJobs.errorLines(List.of("pg_restore: creating TABLE \"a.b\"", "pg_restore: processing data for table \"a.b\""))).isEmpty();
  }
}
