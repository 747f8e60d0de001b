package io.rebound.backup.runbooks;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.TakenBackup;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * The database backup, step by step: take the backup detached (started or attached, then polled), put its pieces and
 * then its manifest into the bucket and the catalog, ship the archived logs the same way, release the work directory
 * only once the manifests are written, and prune the local archive. Knows nothing of the engine: a run is its id.
 *
 * <p>Every job is keyed by the run and the step ({@code <run>-backup}, {@code <run>-logs}), so a retry, another node
 * or a restart attaches to the job that runs instead of taking a second backup. A job that failed is moved aside
 * (its log kept) when the failure is reported, so the engine's retry runs it afresh.
 */
@Service
class DatabaseBackupService {

  /** Where a detached job stands after one call, and what the run shows of it. */
  record Progress(boolean done, String detail, String host, Optional<CompletableFuture<Void>> whenEnded) {

    /** Without a way to learn of the job's end on this node. */
    Progress(boolean done, String detail, String host) {
      this(done, detail, host, Optional.empty());
    }
  }

  private final Targets targets;
  private final PhysicalLayer physical;
  private final BucketAccess bucket;
  private final Clock clock;

  DatabaseBackupService(Targets targets, PhysicalLayer physical, BucketAccess bucket) {
    this.targets = targets;
    this.physical = physical;
    this.bucket = bucket;
    this.clock = Clock.systemUTC();
  }

  static String backupJob(String runId) {
    return runId + "-backup";
  }

  static String logsJob(String runId) {
    return runId + "-logs";
  }

  /**
   * The request of a run's backup: a FULL, or an INCREMENTAL over the newest backup of the target's newest FULL
   * chain. With no FULL in the catalog to build on, an INCREMENTAL is taken as a FULL (said in the step's log): a
   * schedule's first INCREMENTAL must not leave the target without a backup.
   */
  BackupRequest request(BackupRunRequest request, String runId, StepLog log) {
    String id = request.type().name().toLowerCase() + "-" + runId;
    if (request.type() == BackupTask.FULL) {
      return new BackupRequest(backupJob(runId), id, BackupType.FULL, null);
    }
    Optional<BackupManifest> parent = newestOfChain(catalog(request.target()));
    if (parent.isEmpty()) {
      log.fact("promotedToFull", "no FULL backup of " + request.target() + " in the catalog to build an INCREMENTAL on");
      return new BackupRequest(backupJob(runId), "full-" + runId, BackupType.FULL, null);
    }
    return new BackupRequest(backupJob(runId), id, BackupType.INCREMENTAL, parent.get());
  }

  /** The newest backup of the chain that starts at the newest FULL: what an INCREMENTAL builds on. */
  static Optional<BackupManifest> newestOfChain(CatalogSnapshot catalog) {
    Comparator<BackupManifest> newest = Comparator.comparing(BackupManifest::endTime).thenComparing(BackupManifest::id);
    Optional<BackupManifest> full = catalog.backups().stream().filter(backup -> backup.type() == BackupType.FULL).max(newest);
    if (full.isEmpty()) {
      return full;
    }
    BackupManifest last = full.get();
    while (true) {
      String parentId = last.id();
      BackupManifest base = full.get();
      Optional<BackupManifest> next = catalog.backups().stream()
          .filter(backup -> backup.type() == BackupType.INCREMENTAL && parentId.equals(backup.parentId())
              && backup.timeline() == base.timeline() && backup.databaseIdentity().equals(base.databaseIdentity()))
          .max(newest);
      if (next.isEmpty()) {
        return Optional.of(last);
      }
      last = next.get();
    }
  }

  /** Starts the backup or attaches to it; a failed one is moved aside and reported, so a retry takes it afresh. */
  Progress backup(String target, BackupRequest request, StepLog log) {
    Target database = targets.get(target);
    PhysicalBackups layer = physical.of(database);
    PhysicalJob<TakenBackup> job = layer.backup(database, request);
    String outcome = job.state() + (job.progress() == null ? "" : ": " + job.progress());
    if (job.startedNow()) {
      log.startedJob("start " + request.type() + " backup " + request.backupId() + " of " + target, outcome);
    } else {
      log.ran("attach to " + request.type() + " backup " + request.backupId() + " of " + target, outcome);
    }
    return progress(layer, database, request.jobKey(), job);
  }

  /**
   * Puts the taken backup into the bucket, pieces first and the manifest last, and records it in the catalog. Reads the
   * backup's job and never starts it: a job gone from the work directory fails the step, saying so.
   */
  BackupManifest upload(String target, BackupRequest request, StepLog log) throws IOException {
    Target database = targets.get(target);
    PhysicalJob<TakenBackup> job = physical.of(database).lookAtBackup(database, request.jobKey());
    TakenBackup taken = succeeded(job, "backup " + request.backupId(), request.jobKey(), database);
    BackupManifest published = bucket.backups().publish(taken.manifest(), taken.files());
    bucket.catalog().record(published);
    published.pieces().forEach(piece -> log.ran("upload " + piece.key(), piece.size() + " bytes, sha256 " + piece.sha256()));
    log.fact("backupId", published.id());
    log.fact("bytes", published.size());
    return published;
  }

  /**
   * What one call of {@link #shipLogs} found: the batch shipped (empty when nothing new was archived), or, while the
   * collection runs, no shipment yet and the collection's end as this node sees it.
   */
  record Shipment(Optional<LogManifest> shipped, Optional<CompletableFuture<Void>> whenCollected) {

    static Shipment collecting(Optional<CompletableFuture<Void>> whenCollected) {
      return new Shipment(null, whenCollected);
    }

    static Shipment of(Optional<LogManifest> shipped) {
      return new Shipment(shipped, Optional.empty());
    }

    boolean isCollecting() {
      return shipped == null;
    }
  }

  /**
   * Collects the archived logs not shipped yet (or attaches to the collection running); once collected, puts the batch
   * into the bucket and the catalog.
   */
  Shipment shipLogs(String target, String runId, StepLog log) throws IOException {
    Target database = targets.get(target);
    PhysicalBackups layer = physical.of(database);
    LogRequest request = new LogRequest(logsJob(runId), "logs-" + runId, catalog(target).logs());
    PhysicalJob<CollectedLogs> job = layer.collectLogs(database, request);
    if (job.startedNow()) {
      log.startedJob("start collecting the archived logs of " + target, String.valueOf(job.state()));
    }
    Progress progress = progress(layer, database, request.jobKey(), job);
    if (!progress.done()) {
      return Shipment.collecting(progress.whenEnded());
    }
    CollectedLogs collected = job.result();
    if (!collected.gaps().isEmpty()) {
      log.fact("gaps", collected.gaps());
    }
    if (collected.batch().isEmpty()) {
      log.ran("collect archived logs of " + target, "nothing new was archived");
      return Shipment.of(Optional.empty());
    }
    List<String> shippedSince = shippedAlready(collected, request.shipped());
    if (!shippedSince.isEmpty()) {
      // Collected before another run shipped some of the same files (this run was held by an incident, say): each file
      // is shipped once, so the collection is put aside and taken afresh at the next poll.
      layer.discard(database, request.jobKey());
      log.ran("collect archived logs of " + target, shippedSince.size() + " of the collected files (" + shippedSince.get(0)
          + (shippedSince.size() > 1 ? " to " + shippedSince.get(shippedSince.size() - 1) : "") + ") were shipped by another run"
          + " since: collected again");
      return Shipment.collecting(Optional.empty());
    }
    LogManifest published = bucket.backups().publish(collected.batch().get(), collected.files());
    bucket.catalog().record(published);
    log.ran("ship log batch " + published.id(), published.pieces().size() + " pieces, " + published.size() + " bytes, positions "
        + published.startPosition() + " to " + published.endPosition());
    return Shipment.of(Optional.of(published));
  }

  /** The collected files the catalog holds already, by name, in order. */
  static List<String> shippedAlready(CollectedLogs collected, List<LogManifest> shipped) {
    Set<String> names = new HashSet<>();
    shipped.forEach(batch -> batch.pieces().forEach(piece -> names.add(piece.name())));
    return collected.files().stream().map(file -> file.getFileName().toString()).filter(names::contains).sorted().toList();
  }

  /** Frees the work directory of the run's jobs: called only once their manifests are in the bucket. */
  void release(String target, String runId, boolean tookBackup, StepLog log) {
    Target database = targets.get(target);
    PhysicalBackups layer = physical.of(database);
    List<String> jobs = new ArrayList<>();
    if (tookBackup) {
      jobs.add(backupJob(runId));
    }
    jobs.add(logsJob(runId));
    for (String job : jobs) {
      layer.release(database, job);
      log.ran("release work directory of " + job, "done");
    }
  }

  /** Deletes local archived logs shipped and older than the target's local-archive-retention. */
  List<String> pruneLocalArchive(String target, StepLog log) {
    Target database = targets.get(target);
    List<String> deleted = physical.of(database).pruneLocalLogs(database, catalog(target).logs(), clock.instant());
    deleted.forEach(name -> log.ran("delete local archived log " + name, "deleted: in the bucket and older than "
        + database.properties().backup().localArchiveRetention()));
    return deleted;
  }

  private Progress progress(PhysicalBackups layer, Target database, String jobKey, PhysicalJob<?> job) {
    if (job.state() == PhysicalJob.State.FAILED) {
      layer.discard(database, jobKey);
      throw new IllegalStateException("job " + jobKey + " on " + database.name() + " failed: " + job.failure()
          + (job.log() == null ? "" : " (its log is kept beside " + job.log() + ")") + "; a retry runs it afresh");
    }
    return new Progress(job.state() == PhysicalJob.State.SUCCEEDED, job.progress(), job.host(), job.whenEnded());
  }

  private static <T> T succeeded(PhysicalJob<T> job, String what, String jobKey, Target database) {
    if (job.state() == PhysicalJob.State.NOT_STARTED) {
      throw new IllegalStateException(what + " has not succeeded (" + job.state() + "): nothing to upload; its job " + jobKey
          + " is no longer in the work directory of " + database.name() + " (moved or removed since it was taken), and reading"
          + " its result starts nothing");
    }
    if (job.state() != PhysicalJob.State.SUCCEEDED || job.result() == null) {
      throw new IllegalStateException(what + " has not succeeded (" + job.state() + "): nothing to upload");
    }
    return job.result();
  }

  private CatalogSnapshot catalog(String target) {
    return bucket.catalog().snapshot(target, targets.get(target).dialect());
  }
}
