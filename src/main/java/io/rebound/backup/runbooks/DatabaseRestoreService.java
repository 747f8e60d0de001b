package io.rebound.backup.runbooks;

import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.runbook.StepLog;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The database restore, step by step: the plan from the catalog, the pieces checked in the bucket, the restore run
 * detached by the destination's physical layer (which downloads every piece and verifies its checksum) and polled,
 * then the destination verified. Knows nothing of the engine.
 */
@Service
class DatabaseRestoreService {

  /** Where the restore stands after one call. */
  record Progress(boolean done, String detail, String host, Optional<CompletableFuture<Void>> whenEnded) {

    /** Without a way to learn of the job's end on this node. */
    Progress(boolean done, String detail, String host) {
      this(done, detail, host, Optional.empty());
    }
  }

  private final Targets targets;
  private final PhysicalLayer physical;
  private final BucketAccess bucket;
  private final BackupCatalogService catalog;

  DatabaseRestoreService(Targets targets, PhysicalLayer physical, BucketAccess bucket, BackupCatalogService catalog) {
    this.targets = targets;
    this.physical = physical;
    this.bucket = bucket;
    this.catalog = catalog;
  }

  static String restoreJob(String runId) {
    return runId + "-restore";
  }

  /** The plan to approve: what the catalog says the point needs, and what the destination's layer will run. */
  RestorePlanView plan(DatabaseRestoreRequest request) {
    return view(request, recoveryPlan(request, null));
  }

  /**
   * The approved plan computed again. For {@code latest}, only what the catalog held up to the approved plan's end
   * counts: logs shipped since the approval do not move the point the approver saw, while anything the plan needs
   * that is gone, or a backup that changes the chain, makes a new plan to approve.
   */
  RestorePlanView recheck(DatabaseRestoreRequest request, RestorePlanView approved) {
    return view(request, recoveryPlan(request, RecoveryPoint.parse(request.pointInTime()).isLatest() ? approved.recoverToTime() : null));
  }

  /**
   * The recovery plan behind an approved plan view; refuses when it is no longer the one approved: when the catalog
   * gives other backups, logs or pieces, or when the destination's layer would no longer run the approved commands
   * ({@link PhysicalBackups#commandsNoLongerApproved}). What the destination itself says may change once a restore
   * attempt has touched it; the recheck before the first attempt sends such a change back to approval.
   */
  RecoveryPlan approvedPlan(DatabaseRestoreRequest request, RestorePlanView approved) {
    RecoveryPlan plan = recoveryPlan(request, RecoveryPoint.parse(request.pointInTime()).isLatest() ? approved.recoverToTime() : null);
    RestorePlanView current = RestorePlanView.of(plan, request.destination(), approved.commands());
    if (!current.hash().equals(approved.hash())) {
      throw new IllegalStateException("the catalog no longer gives the approved plan (" + approved.hash() + " approved, "
          + current.hash() + " now); nothing was restored by this step:\n" + approved.changesTo(current));
    }
    Target destination = targets.get(request.destination());
    physical.of(destination).commandsNoLongerApproved(destination, plan, approved.commands()).ifPresent(why -> {
      throw new IllegalStateException("the restore of " + destination.name() + " would no longer run the approved commands ("
          + approved.hash() + "): " + why + "; nothing was restored by this step. Start a new restore to approve the commands for"
          + " the destination as it is now");
    });
    return plan;
  }

  /**
   * Checks that every piece of the plan is in the bucket with the size and the SHA-256 its manifest records, before
   * the destination is touched; the restore's download verifies the bytes themselves and refuses a corrupted piece by
   * its name.
   */
  void checkPieces(RestorePlanView plan, StepLog log) {
    ObjectStore store = bucket.store();
    List<String> problems = new ArrayList<>();
    for (Piece piece : plan.pieces()) {
      HeadObjectResponse head = store.head(piece.key()).orElse(null);
      if (head == null) {
        problems.add(piece.key() + " is not in the bucket");
        continue;
      }
      String recorded = head.metadata().get(ObjectStore.SHA256);
      if (head.contentLength() != piece.size()) {
        problems.add(piece.key() + " holds " + head.contentLength() + " bytes, its manifest says " + piece.size());
      } else if (recorded == null || !recorded.toLowerCase(Locale.ROOT).equals(piece.sha256().toLowerCase(Locale.ROOT))) {
        problems.add(piece.key() + " carries SHA-256 " + recorded + ", its manifest says " + piece.sha256());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the bucket does not hold the plan's pieces as their manifests record them, nothing was"
          + " restored: " + String.join("; ", problems));
    }
    log.ran("check " + plan.pieces().size() + " pieces in bucket " + store.bucket(), "all present, " + plan.totalBytes() + " bytes");
  }

  /** Starts the restore or attaches to it; a failed one is moved aside and reported, so a retry runs it afresh. */
  Progress restore(DatabaseRestoreRequest request, RecoveryPlan plan, List<String> approvedCommands, String runId, StepLog log) {
    Target destination = targets.get(request.destination());
    PhysicalBackups layer = physical.of(destination);
    PhysicalJob<RestoredPoint> job = layer.restore(destination, new RestoreRequest(restoreJob(runId), plan, approvedCommands));
    if (job.startedNow()) {
      log.startedJob("start restore of " + destination.name() + " to " + plan.point(), String.valueOf(job.state()));
    }
    if (job.state() == PhysicalJob.State.FAILED) {
      layer.discard(destination, restoreJob(runId));
      throw new IllegalStateException("the restore of " + destination.name() + " failed: " + job.failure()
          + (job.log() == null ? "" : " (its log is kept beside " + job.log() + ")") + "; a retry runs it afresh");
    }
    return new Progress(job.state() == PhysicalJob.State.SUCCEEDED, job.progress(), job.host(), job.whenEnded());
  }

  /**
   * Verifies the destination: it answers, and the recovery reached the point: for an instant, its last replayed
   * transaction is not after it; for latest, it replayed up to the approved end of the shipped logs. Reads the restore's
   * job and never starts it.
   */
  String verify(DatabaseRestoreRequest request, RecoveryPlan plan, String runId, StepLog log) {
    Target destination = targets.get(request.destination());
    // A look, never a start: verifying must not restore the destination again over what it holds now.
    PhysicalJob<RestoredPoint> job = physical.of(destination).lookAtRestore(destination, restoreJob(runId));
    if (job.state() == PhysicalJob.State.NOT_STARTED) {
      throw new IllegalStateException("the restore of " + destination.name() + " has not succeeded (" + job.state() + "): its job "
          + restoreJob(runId) + " is no longer in the work directory (moved or removed since it ran), so there is no result to"
          + " verify, and reading it starts nothing");
    }
    if (job.state() != PhysicalJob.State.SUCCEEDED || job.result() == null) {
      throw new IllegalStateException("the restore of " + destination.name() + " has not succeeded (" + job.state() + ")");
    }
    RestoredPoint reached = job.result();
    try (Connection connection = destination.connect()) {
      log.ran("connect to " + destination.name(), "answers: " + connection.getMetaData().getDatabaseProductName() + " "
          + connection.getMetaData().getDatabaseProductVersion());
    } catch (SQLException e) {
      throw new IllegalStateException("the restored " + destination.name() + " does not answer: " + e.getMessage(), e);
    }
    log.fact("timeline", reached.timeline());
    log.fact("position", reached.position());
    if (reached.time() != null) {
      log.fact("lastTransaction", reached.time().toString());
    }
    Instant point = plan.point().time().orElse(null);
    if (point != null && reached.time() != null && reached.time().isAfter(point)) {
      throw new IllegalStateException("the restored " + destination.name() + " replayed a transaction of " + reached.time()
          + ", after the point " + point + " it was to stop at");
    }
    return "restored " + destination.name() + " to " + plan.point() + ": " + reached.summary();
  }

  private RecoveryPlan recoveryPlan(DatabaseRestoreRequest request, Instant pinnedTo) {
    CatalogSnapshot snapshot = catalog.snapshot(request.target());
    if (pinnedTo != null) {
      snapshot = new CatalogSnapshot(snapshot.target(), snapshot.dialect(),
          snapshot.backups().stream().filter(backup -> !backup.endTime().isAfter(pinnedTo)).toList(),
          snapshot.logs().stream().filter(batch -> !batch.endTime().isAfter(pinnedTo)).toList());
    }
    return PointInTimePlanner.plan(snapshot, RecoveryPoint.parse(request.pointInTime()));
  }

  private RestorePlanView view(DatabaseRestoreRequest request, RecoveryPlan plan) {
    Target destination = targets.get(request.destination());
    return RestorePlanView.of(plan, request.destination(), physical.of(destination).restoreActions(destination, plan));
  }
}
