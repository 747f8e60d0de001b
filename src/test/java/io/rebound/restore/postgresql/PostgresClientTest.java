package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.config.ReboundProperties;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How pg_dump and pg_restore are pointed at a target. */
class PostgresClientTest {

  @Test
  void shouldGiveTheClientProgramsTheTargetsConnectAndLockTimeouts() {
    PostgresClient client = client(Duration.ofMillis(7500), Duration.ofSeconds(45));

    assertThat(client.environment(Path.of("/jobs/run/job/.pgpass"))).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "PGPASSFILE", "/jobs/run/job/.pgpass", "PGCONNECT_TIMEOUT", "8", "PGOPTIONS", "-c lock_timeout=45000"));
  }

  @Test
  void shouldNeverAskLibpqForLessThanItsTwoSecondMinimum() {
    assertThat(client(Duration.ofMillis(300), Duration.ZERO).environment(Path.of("/p")))
        .containsEntry("PGCONNECT_TIMEOUT", "2").containsEntry("PGOPTIONS", "-c lock_timeout=0");
  }

  @Test
  void shouldConnectToTheHostPortAndDatabaseOfTheUrlWithoutAPasswordPrompt() {
    assertThat(client(Duration.ofSeconds(10), Duration.ofMinutes(1)).connectionOptions())
        .containsExactly("--host=db.example", "--port=6543", "--username=postgres", "--dbname=app", "--no-password");
  }

  private static PostgresClient client(Duration connectTimeout, Duration lockTimeout) {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://db.example:6543/app", "postgres", "pw", null, null, null,
        Path.of("/usr/lib/postgresql/15/bin"), null, null, null, null, null, null, connectTimeout, Duration.ofHours(1), lockTimeout));
    return new PostgresClient(targets.get("pg"));
  }
}
