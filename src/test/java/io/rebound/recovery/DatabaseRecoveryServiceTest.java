package io.rebound.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.LogManifest;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoredPoint;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.StepLog;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The recovery service over a stand-in dialect and catalog: the decision and the plan for each picture, the data loss it
 * states, the recheck that pins {@code latest} to what was approved, the refusals, and the recovery's start and verify.
 */
class DatabaseRecoveryServiceTest {

  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final AffectedFile ORDERS = new AffectedFile("base/5/16384", "pg_default", FileKind.DATA, "table public.orders", true, "missing");
  static final LogArchiving ARCHIVED = new LogArchiving(true, "WAL archive");
  static final DatabaseRecoveryRequest LATEST = new DatabaseRecoveryRequest("pg", "latest");

  private final Targets targets = targets();
  private final StandIn dialect = new StandIn();
  private final List<LogManifest> logs = new ArrayList<>(List.of(logs("logs-1", T0.plusSeconds(600), "0/3000000")));
  private final List<BackupManifest> backups = new ArrayList<>(List.of(full()));
  private boolean bucket = true;
  private final DatabaseRecoveryService service = new DatabaseRecoveryService(targets, List.of(dialect),
      target -> new CatalogSnapshot(target.name(), target.dialect(), backups, logs), () -> bucket);

  private static Targets targets() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/d", "postgres", null, null, null, null, null,
        null, null, null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@h:1521/FREEPDB1", "system", null, null, null, null,
        null, null, null, null));
    return targets;
  }

  static BackupManifest full() {
    return new BackupManifest("full-1", "pg", Dialect.POSTGRESQL, BackupType.FULL, null, 1, "7300", T0, T0.plusSeconds(60), "0/2000028",
        "0/2000100", List.of(new Piece("base.tar", "pg/full-1/base.tar", 1000, "aa")));
  }

  static LogManifest logs(String id, Instant end, String endPosition) {
    return new LogManifest(id, "pg", Dialect.POSTGRESQL, 1, "7300", T0, end, "0/2000000", endPosition,
        List.of(new Piece(id, "pg/" + id, 16, "bb")));
  }

  static Triage damaged(LogArchiving logs, AffectedFile... files) {
    return new Triage(true, true, null, List.of(files), RestoreUnit.WHOLE, logs, List.of(), List.of("1 missing"));
  }

  /** A dialect whose triage gives the picture set, and whose recovery job is what the test says. */
  static final class StandIn implements MediaRecovery {
    Triage picture = damaged(ARCHIVED, ORDERS);
    final List<Triage> after = new ArrayList<>();
    PhysicalJob<RestoredPoint> job = new PhysicalJob<>(PhysicalJob.State.RUNNING, null, null, "laying down", null, "node-1", true);
    final List<String> calls = new ArrayList<>();

    @Override
    public Dialect dialect() {
      return Dialect.POSTGRESQL;
    }

    @Override
    public void checkSettings(Target target) {
      calls.add("check " + target.name());
    }

    @Override
    public Triage triage(Target target, StepLog log) {
      calls.add("triage");
      return after.isEmpty() ? picture : after.remove(0);
    }

    @Override
    public List<String> actions(Target target, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
      return List.of("restore " + restore.point() + " with " + restore.backups().size() + " backup(s)");
    }

    @Override
    public PhysicalJob<RestoredPoint> recover(Target target, String jobKey, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
      calls.add("recover " + jobKey + " to " + restore.point());
      return job;
    }

    @Override
    public PhysicalJob<RestoredPoint> look(Target target, String jobKey) {
      calls.add("look " + jobKey);
      return job;
    }

    @Override
    public void discard(Target target, String jobKey) {
      calls.add("discard " + jobKey);
    }
  }

  @Test
  void shouldEndWithInstanceRecoveryOnlyForACleanDatabase() {
    dialect.picture = new Triage(true, true, "crash recovery", List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of());
    StepLog log = new StepLog();

    DatabaseRecoveryService.Assessment assessment = service.assess(LATEST, log);

    assertThat(assessment.decision().strategy()).isEqualTo(Strategy.INSTANCE_RECOVERY_ONLY);
    assertThat(assessment.summary()).isEqualTo("INSTANCE_RECOVERY_ONLY: no file affected; logs archived; instance recovery: crash recovery");
    assertThat(log.facts()).containsEntry("strategy", "INSTANCE_RECOVERY_ONLY").containsEntry("filesAffected", 0);
    assertThatThrownBy(() -> service.plan(LATEST, new StepLog())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs no media recovery");
    assertThat(service.verifyInstance(LATEST, new StepLog())).isEqualTo("instance recovery only: pg is open, no file affected");
  }

  @Test
  void shouldPlanACompleteRestoreToLatestWithNoDataLoss() {
    RecoveryPlanView plan = service.plan(LATEST, new StepLog());

    assertThat(plan.decision().strategy()).isEqualTo(Strategy.RESTORE_DATABASE);
    assertThat(plan.restorePoint()).isEqualTo("latest");
    assertThat(plan.recoverToTime()).isEqualTo(T0.plusSeconds(600));
    assertThat(plan.dataLoss()).isEqualTo("none");
    assertThat(plan.commands()).containsExactly("restore latest with 1 backup(s)");
    assertThat(plan.notes()).singleElement().asString().startsWith("The catalog says: ");
    assertThat(plan.triage().files()).containsExactly(ORDERS);
  }

  @Test
  void shouldRestoreTheLastBackupAndSayWhatIsLostWithoutAWalArchive() {
    dialect.picture = damaged(new LogArchiving(false, "no archive"), ORDERS);

    RecoveryPlanView plan = service.plan(LATEST, new StepLog());

    assertThat(plan.decision().strategy()).isEqualTo(Strategy.RESTORE_LAST_BACKUP);
    assertThat(plan.restorePoint()).isEqualTo(T0.plusSeconds(60).toString());
    assertThat(plan.dataLoss()).isEqualTo("after " + T0.plusSeconds(60) + " (the end of backup full-1): everything committed later is lost");
  }

  @Test
  void shouldRecoverIncompletelyToThePointAsked() {
    Instant point = T0.plusSeconds(300);

    RecoveryPlanView plan = service.plan(new DatabaseRecoveryRequest("pg", point.toString()), new StepLog());

    assertThat(plan.decision().strategy()).isEqualTo(Strategy.POINT_IN_TIME);
    assertThat(plan.restorePoint()).isEqualTo(point.toString());
    assertThat(plan.dataLoss()).isEqualTo("after " + point + ": everything committed later is lost");
  }

  @Test
  void shouldRefuseWhatItCannotRecoverSayingWhy() {
    dialect.picture = new Triage(false, false, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of("FATAL:  something odd"), List.of());
    assertThatThrownBy(() -> service.assess(LATEST, new StepLog())).isInstanceOf(NotRecoverableException.class)
        .hasMessage("pg does not open and triage cannot name what keeps it down; the server said: FATAL:  something odd");
    dialect.picture = new Triage(false, false, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of());
    assertThatThrownBy(() -> service.assess(LATEST, new StepLog())).hasMessageEndingWith("the server said: nothing");

    dialect.picture = damaged(ARCHIVED, ORDERS);
    bucket = false;
    assertThatThrownBy(() -> service.plan(LATEST, new StepLog())).isInstanceOf(NotRecoverableException.class)
        .hasMessageContaining("no bucket is configured");
    bucket = true;
    backups.clear();
    assertThatThrownBy(() -> service.plan(LATEST, new StepLog())).isInstanceOf(NotRecoverableException.class)
        .hasMessageStartingWith("the backups of pg cannot recover it to latest: ");
    dialect.picture = damaged(new LogArchiving(false, "no archive"), ORDERS);
    assertThatThrownBy(() -> service.plan(LATEST, new StepLog())).isInstanceOf(NotRecoverableException.class)
        .hasMessage("no backup of pg is in the catalog: nothing to restore");
  }

  @Test
  void shouldRefuseATargetWithoutMediaRecoveryOrWhoseDialectRefusesIt() {
    assertThatThrownBy(() -> service.checkTarget(targets.get("ora"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target ora is ORACLE: Rebound has no database recovery for it yet");
    service.checkTarget(targets.get("pg"));
    assertThat(dialect.calls).containsExactly("check pg");
  }

  @Test
  void shouldFindTheApprovedPictureAgainThoughLogsAndABackupWereTakenSince() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    logs.add(logs("logs-2", T0.plusSeconds(900), "0/4000000"));

    backups.add(new BackupManifest("full-2", "pg", Dialect.POSTGRESQL, BackupType.FULL, null, 1, "7300", T0.plusSeconds(800),
        T0.plusSeconds(850), "0/3800028", "0/3800100", List.of(new Piece("base.tar", "pg/full-2/base.tar", 1000, "cc"))));

    RecoveryPlanView again = service.recheck(LATEST, approved, new StepLog());

    assertThat(again.hash()).isEqualTo(approved.hash());
    assertThat(service.approvedRestore(LATEST, approved).recoverToTime()).isEqualTo(T0.plusSeconds(600));
  }

  @Test
  void shouldSeeAnotherPictureWhenAnotherFileIsDamagedOrTheDatabaseHealed() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    AffectedFile index = new AffectedFile("base/5/16390", "pg_default", FileKind.INDEX, "index", true, "missing");
    dialect.picture = damaged(ARCHIVED, ORDERS, index);

    assertThat(service.recheck(LATEST, approved, new StepLog()).hash()).isNotEqualTo(approved.hash());

    dialect.picture = new Triage(true, true, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of());
    assertThatThrownBy(() -> service.recheck(LATEST, approved, new StepLog())).isInstanceOf(NotRecoverableException.class)
        .hasMessageContaining("open and undamaged");
  }

  @Test
  void shouldRefuseToRecoverFromBackupsTheCatalogNoLongerGives() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    logs.set(0, logs("logs-1", T0.plusSeconds(600), "0/2F00000"));

    assertThatThrownBy(() -> service.recover(LATEST, approved, "run-1", new StepLog())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the catalog no longer gives the approved backups for pg");
    assertThat(dialect.calls).doesNotContain("recover run-1-recovery to latest");
  }

  @Test
  void shouldStartThenFollowTheRecoveryAndMoveAFailedOneAside() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    StepLog log = new StepLog();

    DatabaseRecoveryService.Progress running = service.recover(LATEST, approved, "run-1", log);
    assertThat(running).isEqualTo(new DatabaseRecoveryService.Progress(false, "laying down", "node-1"));
    assertThat(log.entries()).singleElement().isEqualTo(new StepLog.Entry("start RESTORE_DATABASE of pg to latest", "RUNNING"));
    assertThat(log.hasStartedJob()).as("a start, whichever step made it, is one the audit trail records").isTrue();

    dialect.job = new PhysicalJob<>(PhysicalJob.State.SUCCEEDED, new RestoredPoint(2, "0/3000000", T0, "laid down full-1"), null, null, null,
        "node-1", false);
    StepLog polled = new StepLog();
    assertThat(service.recover(LATEST, approved, "run-1", polled).done()).isTrue();
    assertThat(polled.entries()).isEmpty();
    assertThat(polled.hasStartedJob()).isFalse();

    dialect.job = new PhysicalJob<>(PhysicalJob.State.FAILED, null, "pg_ctl failed", null, Path.of("/work/job/log"), "node-1", false);
    assertThatThrownBy(() -> service.recover(LATEST, approved, "run-1", new StepLog())).isInstanceOf(IllegalStateException.class)
        .hasMessage("the recovery of pg failed: pg_ctl failed (its log is kept beside /work/job/log); a retry runs it afresh");
    assertThat(dialect.calls).contains("recover run-1-recovery to latest", "discard run-1-recovery");
  }

  @Test
  void shouldVerifyThatTheRecoveredDatabaseIsOpenWithNoFileAffected() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    assertThatThrownBy(() -> service.verify(LATEST, approved, "run-1", new StepLog())).hasMessage("the recovery of pg has not succeeded"
        + " (RUNNING)");

    dialect.job = new PhysicalJob<>(PhysicalJob.State.SUCCEEDED, new RestoredPoint(2, "0/3000000", T0, "laid down full-1"), null, null, null,
        "node-1", false);
    dialect.after.add(damaged(ARCHIVED, ORDERS));
    assertThatThrownBy(() -> service.verify(LATEST, approved, "run-1", new StepLog())).hasMessage("pg still has affected files: "
        + ORDERS.describe());
    dialect.after.add(new Triage(true, false, null, List.of(ORDERS), RestoreUnit.WHOLE, ARCHIVED, List.of("FATAL:  no"), List.of()));
    assertThatThrownBy(() -> service.verify(LATEST, approved, "run-1", new StepLog())).hasMessage("pg is not open: FATAL:  no");

    dialect.after.add(new Triage(true, true, null, List.of(), RestoreUnit.NONE, ARCHIVED, List.of(), List.of("3 relation files checked")));
    StepLog log = new StepLog();
    assertThat(service.verify(LATEST, approved, "run-1", log)).isEqualTo("recovered pg (RESTORE_DATABASE, data loss none): laid down"
        + " full-1; pg is open, no file affected (3 relation files checked)");
    assertThat(log.facts()).containsEntry("timeline", 2L).containsEntry("position", "0/3000000");
  }

  @Test
  void shouldFailAVerifyWhoseRecoveryJobIsGoneAndStartNothing() {
    RecoveryPlanView approved = service.plan(LATEST, new StepLog());
    dialect.job = new PhysicalJob<>(PhysicalJob.State.NOT_STARTED, null, null, null, null, null, false);
    StepLog log = new StepLog();

    assertThatThrownBy(() -> service.verify(LATEST, approved, "run-1", log)).isInstanceOf(IllegalStateException.class)
        .hasMessage("the recovery of pg has not succeeded (NOT_STARTED): its job run-1-recovery is no longer in the work directory"
            + " (moved or removed since it ran), so there is no result to verify, and reading it starts nothing");
    assertThat(dialect.calls).contains("look run-1-recovery").noneMatch(call -> call.startsWith("recover "));
    assertThat(log.hasStartedJob()).as("no start for the audit trail to record").isFalse();
    assertThat(log.entries()).isEmpty();
  }
}
