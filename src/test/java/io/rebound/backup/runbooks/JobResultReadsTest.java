package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The steps that read a finished job's result (the backup's upload, the restore's verify) only look at the job: one
 * whose job is gone from the work directory fails saying so, starts nothing, and leaves no start for the audit trail.
 */
class JobResultReadsTest {

  private final StandIn layer = new StandIn();
  private final Targets targets = targets();
  private final PhysicalLayer physical = new PhysicalLayer(new StaticListableBeanFactory(Map.of("layer", layer))
      .getBeanProvider(PhysicalBackups.class));

  private static Targets targets() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"), null));
    targets.register("orders", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null, null,
        null, null, null));
    return targets;
  }

  /** A physical layer whose jobs are what the test says, and which notes every call that may start one. */
  static final class StandIn implements PhysicalBackups {
    PhysicalJob<TakenBackup> backup = gone();
    PhysicalJob<RestoredPoint> restore = gone();
    final List<String> starts = new ArrayList<>();
    final List<String> looks = new ArrayList<>();

    static <T> PhysicalJob<T> gone() {
      return new PhysicalJob<>(PhysicalJob.State.NOT_STARTED, null, null, null, null, null, false);
    }

    @Override
    public Dialect dialect() {
      return Dialect.POSTGRESQL;
    }

    @Override
    public PhysicalJob<TakenBackup> backup(Target target, BackupRequest request) {
      starts.add("backup " + request.jobKey());
      return backup;
    }

    @Override
    public PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request) {
      starts.add("collect " + request.jobKey());
      return gone();
    }

    @Override
    public List<String> restoreActions(Target destination, RecoveryPlan plan) {
      return List.of();
    }

    @Override
    public PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request) {
      starts.add("restore " + request.jobKey());
      return restore;
    }

    @Override
    public PhysicalJob<Void> look(Target target, String jobKey) {
      looks.add(jobKey);
      return gone();
    }

    @Override
    public PhysicalJob<TakenBackup> lookAtBackup(Target target, String jobKey) {
      looks.add(jobKey);
      return backup;
    }

    @Override
    public PhysicalJob<RestoredPoint> lookAtRestore(Target destination, String jobKey) {
      looks.add(jobKey);
      return restore;
    }

    @Override
    public void release(Target target, String jobKey) {}

    @Override
    public void discard(Target target, String jobKey) {}

    @Override
    public List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now) {
      return List.of();
    }
  }

  @Test
  void shouldFailAnUploadWhoseBackupJobIsGoneAndStartNothing() {
    DatabaseBackupService service = new DatabaseBackupService(targets, physical, null);
    StepLog log = new StepLog();

    assertThatThrownBy(() -> service.upload("orders", new BackupRequest("run-1-backup", "full-run-1", BackupType.FULL, null), log))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("backup full-run-1 has not succeeded (NOT_STARTED): nothing to upload; its job run-1-backup is no longer in the work"
            + " directory of orders (moved or removed since it was taken), and reading its result starts nothing");
    assertThat(layer.looks).containsExactly("run-1-backup");
    assertThat(layer.starts).isEmpty();
    assertThat(log.hasStartedJob()).as("no start for the audit trail to record").isFalse();
    assertThat(log.entries()).isEmpty();
  }

  @Test
  void shouldNotUploadABackupThatStillRunsAndStartNothing() {
    DatabaseBackupService service = new DatabaseBackupService(targets, physical, null);
    layer.backup = new PhysicalJob<>(PhysicalJob.State.RUNNING, null, null, "copying", null, "node-1", false);

    assertThatThrownBy(() -> service.upload("orders", new BackupRequest("run-1-backup", "full-run-1", BackupType.FULL, null),
        new StepLog())).hasMessage("backup full-run-1 has not succeeded (RUNNING): nothing to upload");
    assertThat(layer.starts).isEmpty();
  }

  @Test
  void shouldFailAVerifyWhoseRestoreJobIsGoneAndStartNothing() {
    DatabaseRestoreService service = new DatabaseRestoreService(targets, physical, null, null);
    RecoveryPlan plan = PointInTimePlanner.plan(RestorePlanViewTest.catalog(), RecoveryPoint.latest());
    StepLog log = new StepLog();

    assertThatThrownBy(() -> service.verify(new DatabaseRestoreRequest("orders", "latest", "orders"), plan, "run-1", log))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the restore of orders has not succeeded (NOT_STARTED): its job run-1-restore is no longer in the work directory"
            + " (moved or removed since it ran), so there is no result to verify, and reading it starts nothing");
    assertThat(layer.looks).containsExactly("run-1-restore");
    assertThat(layer.starts).isEmpty();
    assertThat(log.hasStartedJob()).as("no start for the audit trail to record").isFalse();
    assertThat(log.entries()).isEmpty();

    layer.restore = new PhysicalJob<>(PhysicalJob.State.RUNNING, null, null, "recovering", null, "node-1", false);
    assertThatThrownBy(() -> service.verify(new DatabaseRestoreRequest("orders", "latest", "orders"), plan, "run-1", new StepLog()))
        .hasMessage("the restore of orders has not succeeded (RUNNING)");
    assertThat(layer.starts).isEmpty();
  }
}
