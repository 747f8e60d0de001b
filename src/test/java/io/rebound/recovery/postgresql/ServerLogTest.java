package io.rebound.recovery.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Server logs of a real PostgreSQL 15 read for triage: crash recovery, a missing relation file, a bad page, no checkpoint. */
class ServerLogTest {

  static String sample(String name) throws IOException {
    try (InputStream in = ServerLogTest.class.getResourceAsStream("/postgresql-logs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void shouldReadCrashRecoveryAndHowFarItReplayed() throws IOException {
    ServerLog.Reading reading = ServerLog.read(sample("crash-recovery.txt"));

    assertThat(reading.crashRecovery()).isTrue();
    assertThat(reading.redoStart()).isEqualTo("0/1789218");
    assertThat(reading.redoEnd()).isEqualTo("0/178B690");
    assertThat(reading.ready()).isTrue();
    assertThat(reading.files()).isEmpty();
    assertThat(reading.checkpointMissing()).isFalse();
    assertThat(ServerLog.instanceRecovery(reading))
        .isEqualTo("the server was not shut down properly and replayed WAL from 0/1789218 to 0/178B690 (crash recovery)");
    assertThat(reading.said()).contains("LOG:  database system was not properly shut down; automatic recovery in progress",
        "LOG:  redo starts at 0/1789218", "LOG:  database system is ready to accept connections")
        .noneMatch(line -> line.contains("checkpoint complete") || line.contains("listening on"));
  }

  @Test
  void shouldNameARelationFileTheServerCouldNotOpenOnce() throws IOException {
    ServerLog.Reading reading = ServerLog.read(sample("missing-relation-file.txt"));

    assertThat(reading.files()).containsExactly(new ServerLog.NamedFile("base/5/16384", "missing"));
    assertThat(reading.said()).contains("ERROR:  could not open file \"base/5/16384\": No such file or directory");
    assertThat(reading.ready()).isTrue();
  }

  @Test
  void shouldNameTheRelationFileOfAPageThatFailedItsChecksum() throws IOException {
    ServerLog.Reading reading = ServerLog.read(sample("checksum-failure.txt"));

    assertThat(reading.files()).containsExactly(new ServerLog.NamedFile("base/5/16389", "invalid page in block 0 (checksum or header)"));
    assertThat(reading.said()).contains("WARNING:  page verification failed, calculated checksum 3706 but expected 64924");
    assertThat(reading.crashRecovery()).isTrue();
  }

  @Test
  void shouldSeeThatNoValidCheckpointRecordLetTheServerStart() throws IOException {
    ServerLog.Reading reading = ServerLog.read(sample("no-valid-checkpoint.txt"));

    assertThat(reading.checkpointMissing()).isTrue();
    assertThat(reading.ready()).isFalse();
    assertThat(reading.crashRecovery()).isFalse();
    assertThat(ServerLog.instanceRecovery(reading)).isNull();
    assertThat(reading.said()).containsSubsequence("LOG:  invalid primary checkpoint record",
        "PANIC:  could not locate a valid checkpoint record", "LOG:  shutting down due to startup process failure");
  }

  @Test
  void shouldReadTheMessageWhateverPrefixTheLinesCarry() {
    ServerLog.Reading reading = ServerLog.read(String.join("\n", "[26922] LOG:  database system was not properly shut down; automatic"
        + " recovery in progress", "user=app,db=shop FATAL:  could not open directory \"pg_tblspc/16385/PG_15_202209061\": No such file"
        + " or directory", "LOG:  redo done at 0/3000028", "just text, no level"));

    assertThat(reading.crashRecovery()).isTrue();
    assertThat(reading.redoStart()).isNull();
    assertThat(reading.redoEnd()).isEqualTo("0/3000028");
    assertThat(reading.missingDirectories()).containsExactly("pg_tblspc/16385/PG_15_202209061");
    assertThat(reading.said()).hasSize(3);
    assertThat(ServerLog.instanceRecovery(reading)).isEqualTo("the server was not shut down properly and recovered by itself (no WAL to"
        + " replay)");
  }

  @Test
  void shouldKeepOnlySoManyLinesOfWhatTheServerSaid() {
    String log = "ERROR:  something\n".repeat(ServerLog.MAX_SAID + 5);

    assertThat(ServerLog.read(log).said()).hasSize(ServerLog.MAX_SAID);
  }

  @Test
  void shouldReadTheFileNamedByAnSqlError() {
    assertThat(ServerLog.file("ERROR: could not open file \"global/1262\": No such file or directory"))
        .contains(new ServerLog.NamedFile("global/1262", "missing"));
    assertThat(ServerLog.file("ERROR: invalid page in block 7 of relation pg_tblspc/16385/PG_15_202209061/5/16390"))
        .contains(new ServerLog.NamedFile("pg_tblspc/16385/PG_15_202209061/5/16390", "invalid page in block 7 (checksum or header)"));
    assertThat(ServerLog.file("ERROR: could not open file \"/etc/passwd\": No such file or directory")).isEmpty();
    assertThat(ServerLog.file("ERROR: index \"orders_pkey\" lacks a main relation fork")).isEmpty();
  }
}
