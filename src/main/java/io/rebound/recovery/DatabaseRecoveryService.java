package io.rebound.recovery;

import io.rebound.backup.BackupCatalog;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.PlanRefusedException;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoredPoint;
import io.rebound.runbook.StepLog;
import io.rebound.storage.ObjectStore;
import io.rebound.target.ByDialect;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The database recovery, step by step: triage and the table's decision, the plan (the backups from the catalog through
 * {@link PointInTimePlanner}, the commands from the dialect), the same triage again after the approval, the recovery
 * run detached and polled, and the database verified. Knows nothing of the engine.
 */
@Service
class DatabaseRecoveryService {

  /** A triage and what the table decided on it. */
  record Assessment(Triage triage, StrategyDecision decision) {

    /** One line for the run's report. */
    String summary() {
      return decision.strategy() + ": " + (triage.files().isEmpty() ? "no file affected"
          : triage.files().size() + " file(s) affected, restored as " + triage.restoreUnit()) + "; logs "
          + (triage.logs().archived() ? "archived" : "not archived") + (triage.instanceRecovery() == null ? ""
              : "; instance recovery: " + triage.instanceRecovery());
    }
  }

  /** Where the recovery stands after one call. */
  record Progress(boolean done, String detail, String host, Optional<CompletableFuture<Void>> whenEnded) {

    /** Without a way to learn of the job's end on this node. */
    Progress(boolean done, String detail, String host) {
      this(done, detail, host, Optional.empty());
    }
  }

  private final Targets targets;
  private final ByDialect<MediaRecovery> dialects;
  private final Function<Target, CatalogSnapshot> catalog;
  private final BooleanSupplier bucketConfigured;
  private final RecoveryStrategyTable table = new RecoveryStrategyTable();

  @Autowired
  DatabaseRecoveryService(Targets targets, List<MediaRecovery> dialects, BackupCatalog catalog, ObjectProvider<ObjectStore> store) {
    this(targets, dialects, target -> catalog.snapshot(target.name(), target.dialect()), () -> store.getIfAvailable() != null);
  }

  /**
   * @param catalog a target's backups and shipped logs as the catalog holds them now
   * @param bucketConfigured whether a bucket is configured, so that backups can be read at all
   */
  DatabaseRecoveryService(Targets targets, List<MediaRecovery> dialects, Function<Target, CatalogSnapshot> catalog,
      BooleanSupplier bucketConfigured) {
    this.targets = targets;
    this.dialects = new ByDialect<>(dialects, "media recovery");
    this.catalog = catalog;
    this.bucketConfigured = bucketConfigured;
  }

  static String recoveryJob(String runId) {
    return runId + "-recovery";
  }

  /** Refuses a target whose dialect has no media recovery here or whose settings do not allow one. */
  void checkTarget(Target target) {
    MediaRecovery dialect;
    try {
      dialect = dialects.of(target);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("target " + target.name() + " is " + target.dialect() + ": Rebound has no database recovery for it"
          + " yet");
    }
    dialect.checkSettings(target);
  }

  /** Triage, and the table's decision on it. */
  Assessment assess(DatabaseRecoveryRequest request, StepLog log) {
    Target target = targets.get(request.target());
    Triage triage = dialects.of(target).triage(target, log);
    if (triage.unexplained()) {
      throw new NotRecoverableException(target.name() + " does not open and triage cannot name what keeps it down; the server said: "
          + (triage.serverSaid().isEmpty() ? "nothing" : String.join(" | ", triage.serverSaid())));
    }
    StrategyDecision decision = table.decide(triage, !RecoveryPoint.parse(request.pointInTime()).isLatest());
    log.fact("strategy", decision.strategy().name());
    log.fact("filesAffected", triage.files().size());
    return new Assessment(triage, decision);
  }

  /** The plan to approve for a triage that calls for media recovery. */
  RecoveryPlanView plan(DatabaseRecoveryRequest request, StepLog log) {
    return plan(request, assess(request, log), null);
  }

  /**
   * The plan computed again after the approval, from a new triage. For {@code latest}, only what the catalog held up to
   * the approved plan's end counts: logs shipped since the approval do not move the point the approver saw.
   */
  RecoveryPlanView recheck(DatabaseRecoveryRequest request, RecoveryPlanView approved, StepLog log) {
    Assessment now = assess(request, log);
    if (!now.decision().mediaRecoveryNeeded()) {
      throw new NotRecoverableException("the triage after the approval finds " + request.target() + " open and undamaged: nothing to"
          + " recover any more");
    }
    return plan(request, now, "latest".equals(approved.restorePoint()) ? approved.recoverToTime() : null);
  }

  /** The backups of the approved plan as the catalog gives them now; refuses when they are no longer those approved. */
  RecoveryPlan approvedRestore(DatabaseRecoveryRequest request, RecoveryPlanView approved) {
    Target target = targets.get(request.target());
    RecoveryPoint point = RecoveryPoint.parse(approved.restorePoint());
    RecoveryPlan plan = plannedRestore(target, point, point.isLatest() ? approved.recoverToTime() : null);
    RecoveryPlanView current = RecoveryPlanView.of(request, approved.dialect(), approved.triage(), approved.decision(), plan,
        approved.commands(), approved.dataLoss(), approved.notes());
    if (!current.restoreLines().equals(approved.restoreLines())) {
      throw new IllegalStateException("the catalog no longer gives the approved backups for " + request.target() + ": "
          + approved.changesTo(current));
    }
    return plan;
  }

  /** Starts the recovery or attaches to it; a failed one is moved aside and reported, so a retry runs it afresh. */
  Progress recover(DatabaseRecoveryRequest request, RecoveryPlanView approved, String runId, StepLog log) {
    Target target = targets.get(request.target());
    MediaRecovery dialect = dialects.of(target);
    PhysicalJob<RestoredPoint> job = dialect.recover(target, recoveryJob(runId), approved.triage(), approved.decision(),
        approvedRestore(request, approved));
    if (job.startedNow()) {
      log.startedJob("start " + approved.decision().strategy() + " of " + target.name() + " to " + approved.restorePoint(),
          String.valueOf(job.state()));
    }
    if (job.state() == PhysicalJob.State.FAILED) {
      dialect.discard(target, recoveryJob(runId));
      throw new IllegalStateException("the recovery of " + target.name() + " failed: " + job.failure()
          + (job.log() == null ? "" : " (its log is kept beside " + job.log() + ")") + "; a retry runs it afresh");
    }
    return new Progress(job.state() == PhysicalJob.State.SUCCEEDED, job.progress(), job.host(), job.whenEnded());
  }

  /**
   * After a media recovery: the recovery succeeded, and a new triage finds the database open with no file affected. Reads
   * the recovery's job and never starts it: recovering again over what the database holds now is not a verification.
   */
  String verify(DatabaseRecoveryRequest request, RecoveryPlanView approved, String runId, StepLog log) {
    Target target = targets.get(request.target());
    PhysicalJob<RestoredPoint> job = dialects.of(target).look(target, recoveryJob(runId));
    if (job.state() == PhysicalJob.State.NOT_STARTED) {
      throw new IllegalStateException("the recovery of " + target.name() + " has not succeeded (" + job.state() + "): its job "
          + recoveryJob(runId) + " is no longer in the work directory (moved or removed since it ran), so there is no result to"
          + " verify, and reading it starts nothing");
    }
    if (job.state() != PhysicalJob.State.SUCCEEDED || job.result() == null) {
      throw new IllegalStateException("the recovery of " + target.name() + " has not succeeded (" + job.state() + ")");
    }
    RestoredPoint reached = job.result();
    log.fact("timeline", reached.timeline());
    log.fact("position", reached.position());
    String checked = verifyOpenAndClean(target, log);
    return "recovered " + target.name() + " (" + approved.decision().strategy() + ", data loss " + approved.dataLoss() + "): "
        + reached.summary() + "; " + checked;
  }

  /** After instance recovery only: a new triage still finds the database open with no file affected. */
  String verifyInstance(DatabaseRecoveryRequest request, StepLog log) {
    Target target = targets.get(request.target());
    return "instance recovery only: " + verifyOpenAndClean(target, log);
  }

  private String verifyOpenAndClean(Target target, StepLog log) {
    Triage after = dialects.of(target).triage(target, log);
    if (!after.opened()) {
      throw new IllegalStateException(target.name() + " is not open: " + String.join(" | ", after.serverSaid()));
    }
    if (!after.files().isEmpty()) {
      throw new IllegalStateException(target.name() + " still has affected files: "
          + String.join("; ", after.files().stream().map(AffectedFile::describe).toList()));
    }
    return target.name() + " is open, no file affected" + (after.checks().isEmpty() ? "" : " (" + String.join("; ", after.checks()) + ")");
  }

  private RecoveryPlanView plan(DatabaseRecoveryRequest request, Assessment assessment, Instant pinnedTo) {
    if (!assessment.decision().mediaRecoveryNeeded()) {
      throw new IllegalStateException(request.target() + " needs no media recovery: " + assessment.summary());
    }
    if (!bucketConfigured.getAsBoolean()) {
      throw new NotRecoverableException(request.target() + " needs " + assessment.decision().strategy() + " but no bucket is configured"
          + " (rebound.storage.s3.bucket): its backups cannot be read");
    }
    Target target = targets.get(request.target());
    RecoveryPoint point = restorePoint(target, request, assessment.decision());
    RecoveryPlan restore = plannedRestore(target, point, pinnedTo);
    List<String> commands;
    try {
      commands = dialects.of(target).actions(target, assessment.triage(), assessment.decision(), restore);
    } catch (IllegalArgumentException e) {
      throw new NotRecoverableException("no " + assessment.decision().strategy() + " of " + target.name() + ": " + e.getMessage());
    }
    List<String> notes = new ArrayList<>();
    notes.add("The catalog says: " + restore.dataLoss());
    return RecoveryPlanView.of(request, target.dialect().name(), assessment.triage(), assessment.decision(), restore, commands,
        dataLoss(assessment.decision(), restore), notes);
  }

  /** {@code none} for complete recovery, {@code after <point>} otherwise. */
  static String dataLoss(StrategyDecision decision, RecoveryPlan restore) {
    if (decision.complete()) {
      return "none";
    }
    Instant point = restore.point().time().orElse(restore.recoverToTime());
    String backup = restore.backups().isEmpty() ? "" : " (the end of backup " + restore.backups().get(restore.backups().size() - 1).id() + ")";
    return "after " + point + ("after the last backup".equals(decision.dataLoss()) ? backup : "") + ": everything committed later is lost";
  }

  private RecoveryPoint restorePoint(Target target, DatabaseRecoveryRequest request, StrategyDecision decision) {
    return switch (decision.strategy()) {
      case POINT_IN_TIME -> RecoveryPoint.parse(request.pointInTime());
      case RESTORE_LAST_BACKUP -> RecoveryPoint.at(snapshot(target).backups().stream().map(BackupManifest::endTime)
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new NotRecoverableException("no backup of " + target.name() + " is in the catalog: nothing to restore")));
      default -> RecoveryPoint.latest();
    };
  }

  private RecoveryPlan plannedRestore(Target target, RecoveryPoint point, Instant pinnedTo) {
    CatalogSnapshot snapshot = snapshot(target);
    if (pinnedTo != null) {
      snapshot = new CatalogSnapshot(snapshot.target(), snapshot.dialect(),
          snapshot.backups().stream().filter(backup -> !backup.endTime().isAfter(pinnedTo)).toList(),
          snapshot.logs().stream().filter(batch -> !batch.endTime().isAfter(pinnedTo)).toList());
    }
    try {
      return PointInTimePlanner.plan(snapshot, point);
    } catch (PlanRefusedException e) {
      throw new NotRecoverableException("the backups of " + target.name() + " cannot recover it to " + point + ": " + e.getMessage());
    }
  }

  private CatalogSnapshot snapshot(Target target) {
    return catalog.apply(target);
  }
}
