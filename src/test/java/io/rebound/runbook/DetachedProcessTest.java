package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetachedProcessTest {

  @TempDir Path work;

  @Test
  void shouldRunACommandAndKeepItsOutputAndExitCode() {
    DetachedProcess job = new DetachedProcess(work.resolve("job"));
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.NOT_STARTED);

    job.startOrAttach(List.of("/bin/sh", "-c", "echo \"restoring $TABLE\"; cat \"$REBOUND_JOB_DIR/secret\" | wc -c"),
        Map.of("TABLE", "products"), Map.of("secret", "abc"));

    await().atMost(Duration.ofSeconds(10)).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(job.state().exitCode()).isZero();
    assertThat(job.logLines()).containsExactly("restoring products", "3");
  }

  @Test
  void shouldWriteStartFilesForTheOwnerOnlyAndRemoveThem() throws Exception {
    DetachedProcess job = new DetachedProcess(work.resolve("job"));
    job.startOrAttach(List.of("/bin/sh", "-c", "sleep 0.1"), Map.of(), Map.of("pgpass", "*:*:*:u:p"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("job/pgpass")))).isEqualTo("rw-------");
    job.removeFiles(List.of("pgpass"));
    assertThat(work.resolve("job/pgpass")).doesNotExist();
  }

  @Test
  void shouldAttachToARunningJobInsteadOfStartingItTwice() throws Exception {
    DetachedProcess job = new DetachedProcess(work.resolve("job"));
    job.startOrAttach(List.of("/bin/sh", "-c", "echo started >> \"$REBOUND_JOB_DIR/starts\"; sleep 1"), Map.of(), Map.of());
    String pid = Files.readString(work.resolve("job/pid"));

    DetachedProcess.State again = new DetachedProcess(work.resolve("job"))
        .startOrAttach(List.of("/bin/sh", "-c", "echo started >> \"$REBOUND_JOB_DIR/starts\"; sleep 1"), Map.of(), Map.of());

    assertThat(again.status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(Files.readString(work.resolve("job/pid"))).isEqualTo(pid);
    await().atMost(Duration.ofSeconds(10)).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(Files.readAllLines(work.resolve("job/starts"))).hasSize(1);
  }

  @Test
  void shouldStartAgainAJobThatVanishedWithItsNodeKeepingTheOldLog() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    Files.writeString(directory.resolve("pid"), "2147483646 2020-01-01T00:00:00Z\n");
    Files.writeString(directory.resolve("log"), "half of a restore\n");
    DetachedProcess job = new DetachedProcess(directory);
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.VANISHED);

    job.startOrAttach(List.of("/bin/sh", "-c", "echo second"), Map.of(), Map.of());

    await().atMost(Duration.ofSeconds(10)).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(job.logLines()).containsExactly("second");
    try (var files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(name -> name.startsWith("log."));
    }
  }

  @Test
  void shouldReportAFailureAndStartAfreshOnceMovedAside() {
    DetachedProcess job = new DetachedProcess(work.resolve("job"));
    job.startOrAttach(List.of("/bin/sh", "-c", "echo 'pg_restore: error: boom'; exit 3"), Map.of(), Map.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> job.state().status() == DetachedProcess.Status.FAILED);
    assertThat(job.state().exitCode()).isEqualTo(3);

    Path aside = job.moveAside();

    assertThat(aside.getFileName().toString()).startsWith("job.failed-");
    assertThat(aside.resolve("log")).content().contains("boom");
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.NOT_STARTED);
  }
}
