package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BasebackupCommandTest {

  private static final BasebackupCommand.Server SERVER = new BasebackupCommand.Server("db.example", "5433", "backup", Optional.empty());
  private static final String LABEL = """
      START WAL LOCATION: 0/2000028 (file 000000010000000000000002)
      CHECKPOINT LOCATION: 0/2000060
      BACKUP METHOD: streamed
      BACKUP FROM: primary
      START TIME: 2026-12-01 00:57:05 UTC
      LABEL: rebound b1
      START TIMELINE: 3
      """;
  private static final List<String> OUTPUT = List.of(
      "pg_basebackup: initiating base backup, waiting for checkpoint to complete",
      "pg_basebackup: checkpoint completed",
      "pg_basebackup: write-ahead log start point: 0/2000028 on timeline 3",
      "pg_basebackup: starting background WAL receiver",
      "pg_basebackup: write-ahead log end point: 0/2000100",
      "pg_basebackup: base backup completed");

  @Test
  void shouldBuildTheCommandLineWithoutAnySecretAndNeverPrompting() {
    List<String> command = BasebackupCommand.command(Path.of("/usr/lib/postgresql/15/bin/pg_basebackup"), SERVER,
        Path.of("/srv/work/job/pg_basebackup"), "rebound b1");

    assertThat(command).containsExactly("/usr/lib/postgresql/15/bin/pg_basebackup", "--host=db.example", "--port=5433",
        "--username=backup", "--no-password", "--pgdata=/srv/work/job/pg_basebackup", "--format=tar", "--wal-method=stream",
        "--checkpoint=fast", "--no-manifest", "--label=rebound b1", "--verbose");
  }

  @Test
  void shouldRefuseALabelOfMoreThanOneLine() {
    assertThatThrownBy(() -> BasebackupCommand.command(Path.of("pg_basebackup"), SERVER, Path.of("/o"), "rebound\nSTART TIMELINE: 9"))
        .hasMessageContaining("one line");
    assertThatThrownBy(() -> BasebackupCommand.command(Path.of("pg_basebackup"), SERVER, Path.of("/o"), "a\u001fb"))
        .hasMessageContaining("one line");
  }

  @Test
  void shouldPassThePasswordFileTheTimeoutAndTheSslModeThroughTheEnvironment() {
    BasebackupCommand.Server tls = new BasebackupCommand.Server("h", "5432", "u", Optional.of("verify-full"));

    assertThat(BasebackupCommand.environment(tls, Path.of("/srv/job/pgpass"), Duration.ofMillis(10_001)))
        .containsEntry("PGPASSFILE", "/srv/job/pgpass").containsEntry("PGCONNECT_TIMEOUT", "11")
        .containsEntry("PGSSLMODE", "verify-full").containsEntry("PGAPPNAME", "rebound-backup").hasSize(4);
    assertThat(BasebackupCommand.environment(SERVER, Path.of("/srv/job/pgpass"), Duration.ofMillis(500)))
        .containsEntry("PGCONNECT_TIMEOUT", "2").doesNotContainKey("PGSSLMODE");
    assertThat(BasebackupCommand.environment(SERVER, Path.of("/srv/job/pgpass"), Duration.ofSeconds(3)))
        .containsEntry("PGCONNECT_TIMEOUT", "3");
  }

  @Test
  void shouldEscapeThePasswordFileAsLibpqReadsIt() {
    assertThat(BasebackupCommand.passwordFile("back:up", "pa:ss\\word")).isEqualTo("*:*:*:back\\:up:pa\\:ss\\\\word\n");
    assertThat(BasebackupCommand.passwordFile("backup", null)).isEqualTo("*:*:*:backup:\n");
  }

  @Test
  void shouldReadTheServerFromTheJdbcUrl() {
    assertThat(BasebackupCommand.server("jdbc:postgresql://db1:6432,db2:6433/app?sslmode=require", "backup"))
        .isEqualTo(new BasebackupCommand.Server("db1", "6432", "backup", Optional.of("require")));
    assertThat(BasebackupCommand.server("jdbc:postgresql:app", "backup"))
        .isEqualTo(new BasebackupCommand.Server("localhost", "5432", "backup", Optional.empty()));
    assertThatThrownBy(() -> BasebackupCommand.server("jdbc:oracle:thin:@//db:1521/FREE", "backup"))
        .hasMessageContaining("not a PostgreSQL JDBC URL");
    assertThatThrownBy(() -> BasebackupCommand.server(null, "backup")).hasMessageContaining("not a PostgreSQL JDBC URL");
    assertThatThrownBy(() -> BasebackupCommand.server("jdbc:postgresql://db/app", " ")).hasMessageContaining("no username");
    assertThatThrownBy(() -> BasebackupCommand.server("jdbc:postgresql://db/app", null)).hasMessageContaining("no username");
  }

  @Test
  void shouldRefuseAUserWithoutReplicationWithTheStatementThatGrantsIt() {
    assertThatThrownBy(() -> BasebackupCommand.requireReplication("\"Backup\"", false, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"Backup\" lacks the REPLICATION attribute")
        .hasMessageContaining("ALTER ROLE \"Backup\" REPLICATION;");
    assertThatCode(() -> BasebackupCommand.requireReplication("backup", true, false)).doesNotThrowAnyException();
    assertThatCode(() -> BasebackupCommand.requireReplication("postgres", false, true)).doesNotThrowAnyException();
  }

  @Test
  void shouldTakeTheStartFromTheLabelAndTheEndFromTheReport() {
    assertThat(BasebackupCommand.range(LABEL, OUTPUT)).isEqualTo(new BasebackupCommand.Range("0/2000028", 3, "0/2000100"));
    assertThat(BasebackupCommand.range(LABEL, List.of("pg_basebackup: write-ahead log end point: 0/2000028")))
        .as("a report without the start line, ending where it starts").isEqualTo(new BasebackupCommand.Range("0/2000028", 3, "0/2000028"));
  }

  @Test
  void shouldRefuseARangeItCannotTrust() {
    assertThatThrownBy(() -> BasebackupCommand.range(LABEL, OUTPUT.subList(0, 4)))
        .hasMessageContaining("did not report its write-ahead log end point").hasMessageContaining("starting background WAL receiver");
    assertThatThrownBy(() -> BasebackupCommand.range(LABEL.replace("START TIMELINE: 3", ""), OUTPUT))
        .hasMessageContaining("no START WAL LOCATION or START TIMELINE");
    assertThatThrownBy(() -> BasebackupCommand.range(LABEL.replace("START WAL LOCATION", "WAL LOCATION"), OUTPUT))
        .hasMessageContaining("no START WAL LOCATION or START TIMELINE");
    assertThatThrownBy(() -> BasebackupCommand.range(LABEL, List.of("pg_basebackup: write-ahead log start point: 0/3000028 on timeline 3",
        "pg_basebackup: write-ahead log end point: 0/3000100")))
        .hasMessageContaining("reported the start point 0/3000028 but its backup_label says 0/2000028");
    assertThatThrownBy(() -> BasebackupCommand.range(LABEL, List.of("pg_basebackup: write-ahead log end point: 0/2000027")))
        .hasMessageContaining("end point 0/2000027 before its start 0/2000028");
  }
}
