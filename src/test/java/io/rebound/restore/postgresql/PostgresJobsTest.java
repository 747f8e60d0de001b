package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.config.ReboundProperties;
import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.NodeProperties;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema restore's pg_dump and pg_restore jobs as the steps drive them: a look at a job starts nothing, whatever
 * it finds; only a start does, and it says so in the step's log as a start, for the audit trail.
 */
class PostgresJobsTest {

  static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path work;

  private PostgresJobs jobs() {
    return new PostgresJobs(work, new DetachedJobs(new NodeProperties("node-a", Duration.ofMillis(50), Duration.ofSeconds(2))),
        new PostgresDumpFiles(work));
  }

  private static Target target() {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    // Nothing listens on port 1: sizing the job for its progress fails at once, and the job runs all the same.
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://127.0.0.1:1/app", "postgres", "pw", null, null,
        null, null, null, null, null, null, null, null, Duration.ofSeconds(2), Duration.ofHours(1), Duration.ofSeconds(1)));
    return targets.get("pg");
  }

  private static JobSpec export(String command) {
    return new JobSpec("rebound-export-1", "safety.dump", List.of("/bin/sh", "-c", command), Map.of("schemas", "app"));
  }

  @Test
  void shouldNotStartAJobNotYetStartedByLookingAtIt() {
    PostgresJobs jobs = jobs();

    JobProgress first = jobs.look(target(), export("exit 0"), "run-1");
    JobProgress second = jobs.look(target(), export("exit 0"), "run-1");

    assertThat(first.state()).isEqualTo(JobProgress.State.NOT_STARTED);
    assertThat(first.needsStart()).isTrue();
    assertThat(first.finished()).isFalse();
    assertThat(second.state()).isEqualTo(JobProgress.State.NOT_STARTED);
    assertThat(work.resolve("run-1")).doesNotExist();
  }

  @Test
  void shouldStartAJobOnlyThroughAStartAndRecordItAsAStart() throws Exception {
    PostgresJobs jobs = jobs();
    JobSpec job = export("echo 'pg_dump: dumping contents of table \"app.t\"'; exit 0");

    StepLog start = new StepLog();
    jobs.startOrAttach(target(), job, "run-1", start);
    await().atMost(BOUND).until(() -> jobs.look(target(), job, "run-1").finished());
    JobProgress done = jobs.look(target(), job, "run-1");
    StepLog again = new StepLog();
    jobs.startOrAttach(target(), job, "run-1", again);

    assertThat(start.hasStartedJob()).isTrue();
    assertThat(start.entries()).containsExactly(new StepLog.Entry(String.join(" ", job.parameters()), "started on node-a"));
    assertThat(done.state()).isEqualTo(JobProgress.State.SUCCEEDED);
    assertThat(done.host()).isEqualTo("node-a");
    assertThat(done.detail()).isEqualTo("exit code 0 on node-a");
    assertThat(again.hasStartedJob()).isFalse();
    assertThat(again.entries()).singleElement().extracting(StepLog.Entry::outcome).asString()
        .startsWith("attached to the job started earlier (SUCCEEDED");
    try (var files = Files.list(work.resolve("run-1").resolve("rebound-export-1"))) {
      assertThat(files.map(f -> f.getFileName().toString())).contains("start-1").doesNotContain("start-2", PostgresJobs.PASSWORD_FILE);
    }
  }

  @Test
  void shouldReportAFailedJobAndMoveItAsideSoThatOnlyAStartRunsItAgain() {
    PostgresJobs jobs = jobs();
    JobSpec job = export("echo 'pg_dump: error: connection refused'; exit 1");
    JobProgress[] failed = {jobs.startOrAttach(target(), job, "run-1", new StepLog())};
    // Whichever look sees the end first (the start's own, or a later one) reports it, once.
    await().atMost(BOUND).until(() -> failed[0].finished() || (failed[0] = jobs.look(target(), job, "run-1")).finished());
    JobProgress afterwards = jobs.look(target(), job, "run-1");

    assertThat(failed[0].state()).isEqualTo(JobProgress.State.FAILED);
    assertThat(failed[0].errors()).containsExactly("pg_dump: error: connection refused");
    assertThat(failed[0].detail()).startsWith("exit code 1 on node-a, log kept in ").contains("rebound-export-1.failed-");
    assertThat(afterwards.state()).isEqualTo(JobProgress.State.NOT_STARTED);
  }
  @Test
  void shouldDumpTheSchemasIntoAnArchiveNamedForTheRunAndRestoreWithCleanOverTheTargetsConnection() {
    Targets targets = new Targets(new ReboundProperties(null, null, null, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://db.example:6543/app", "postgres", "pw", null,
        work.resolve("dumps"), null, null, 3, Map.of(), Map.of()));
    Target target = targets.get("pg");
    PostgresClient client = new PostgresClient(target);
    List<String> connection = List.of("--host=db.example", "--port=6543", "--username=postgres", "--dbname=app", "--no-password");
    Path dumps = work.resolve("dumps").toAbsolutePath().normalize();

    JobSpec export = PostgresJobs.safetyExport(target, client, "winstore_admin", List.of("winstore_admin", "reporting"),
        "5f0c9d2e-e60b-11f1-99b3-02fc00000001");
    JobSpec restore = PostgresJobs.importJob(target, client, "winstore_full_backup.dump", "5f0c9d2e-e60b-11f1-99b3-02fc00000001");

    assertThat(export.name()).isEqualTo("rebound-export-5f0c9d2ee60b");
    assertThat(export.file()).isEqualTo("rebound-safety-winstore_admin-5f0c9d2ee60b.dump");
    assertThat(export.parameters()).startsWith(client.program("pg_dump").toString(), "--format=custom", "--verbose")
        .containsSubsequence(connection).endsWith("--schema=winstore_admin", "--schema=reporting",
            "--file=" + dumps.resolve("rebound-safety-winstore_admin-5f0c9d2ee60b.dump"));
    assertThat(export.setting(PostgresJobs.SCHEMAS)).isEqualTo("winstore_admin,reporting");
    assertThat(restore.name()).isEqualTo("rebound-import-5f0c9d2ee60b");
    assertThat(restore.file()).isEqualTo("winstore_full_backup.dump");
    assertThat(restore.parameters()).startsWith(client.program("pg_restore").toString(), "--verbose", "--clean", "--if-exists", "--jobs=3")
        .containsSubsequence(connection).endsWith(dumps.resolve("winstore_full_backup.dump").toString());
    assertThat(PostgresJobs.jobId("run-1")).isEqualTo("run1");
  }
}
