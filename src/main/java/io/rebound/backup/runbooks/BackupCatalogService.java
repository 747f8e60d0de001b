package io.rebound.backup.runbooks;

import io.rebound.backup.BackupCatalog;
import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CatalogSnapshot;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Manifest;
import io.rebound.backup.PlanRefusedException;
import io.rebound.backup.PointInTimePlanner;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.Retention;
import io.rebound.runbook.StepLog;
import io.rebound.storage.ObjectLockedException;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Targets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * What the catalog answers for the runbooks and the API: a target's backups and recoverable window, the plan to a
 * point, the catalog rebuilt from the bucket, and retention applied. Knows nothing of the engine.
 */
@Service
class BackupCatalogService {

  /** The points a target can be restored to: from the end of its first restorable FULL to the end of its shipped logs. */
  record Window(Instant from, Instant to, String refused) {}

  /** What retention deleted (or, on a dry run, would delete) and what it kept because object lock protects it. */
  record PruneReport(String target, boolean dryRun, List<String> deletedBackups, List<String> deletedLogBatches,
      List<String> deletedObjects, List<String> locked, int keptBackups, int keptLogBatches) {}

  private static final Logger LOG = LoggerFactory.getLogger(BackupCatalogService.class);

  private final BucketAccess bucket;
  private final Targets targets;
  private final BackupSchedules schedules;

  BackupCatalogService(BucketAccess bucket, Targets targets, BackupSchedules schedules) {
    this.bucket = bucket;
    this.targets = targets;
    this.schedules = schedules;
  }

  CatalogSnapshot snapshot(String target) {
    return catalog().snapshot(target, targets.get(target).dialect());
  }

  /** The plan to a point; {@link PlanRefusedException} names the gap when there is none. */
  RecoveryPlan plan(String target, RecoveryPoint point) {
    return PointInTimePlanner.plan(snapshot(target), point);
  }

  /** The recoverable window: its end is where {@code latest} goes, its start the first FULL end the planner accepts. */
  Window window(CatalogSnapshot snapshot) {
    RecoveryPlan latest;
    try {
      latest = PointInTimePlanner.plan(snapshot, RecoveryPoint.latest());
    } catch (PlanRefusedException e) {
      return new Window(null, null, e.getMessage());
    }
    List<Instant> fullEnds = snapshot.backups().stream().filter(backup -> backup.type() == BackupType.FULL)
        .map(BackupManifest::endTime).sorted().toList();
    for (Instant end : fullEnds) {
      try {
        PointInTimePlanner.plan(snapshot, RecoveryPoint.at(end));
        return new Window(end, latest.recoverToTime(), null);
      } catch (PlanRefusedException e) {
        // Not restorable from this FULL: the next one may be.
      }
    }
    return new Window(latest.recoverToTime(), latest.recoverToTime(), null);
  }

  /** A backup of any target by its id. */
  Optional<BackupManifest> backup(String id) {
    for (String target : targets.names()) {
      Optional<BackupManifest> found = snapshot(target).backups().stream().filter(backup -> backup.id().equals(id)).findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  BackupCatalog.RebuildReport rebuild() {
    return catalog().rebuild(bucket.store());
  }

  /** The catalog is only an index of the bucket: an empty one (a new engine database) is made again from it at start. */
  @EventListener(ApplicationReadyEvent.class)
  void rebuildWhenEmpty() {
    if (!bucket.configured() || !catalog().isEmpty()) {
      return;
    }
    try {
      BackupCatalog.RebuildReport report = rebuild();
      LOG.info("The backup catalog was empty: rebuilt from the bucket, {} backups and {} log batches", report.backups(),
          report.logBatches());
    } catch (RuntimeException e) {
      LOG.warn("The backup catalog is empty and could not be rebuilt from the bucket now ({}); POST /api/backups/catalog/rebuild"
          + " once the bucket answers", e.getMessage());
    }
  }

  /** What retention would delete now, deleting nothing. */
  Retention.Decision retention(String target, Instant now) {
    return Retention.decide(snapshot(target), now, schedules.recoveryWindow(target));
  }

  /**
   * Applies retention: for each backup and log batch no point in the window needs, the catalog forgets it, its
   * manifest goes (so it no longer exists, in the bucket or to a rebuild) and then its pieces. An object under object
   * lock is never deleted: a manifest still locked puts the entry back and its pieces stay.
   */
  PruneReport prune(String target, Instant now, boolean dryRun, StepLog log) {
    Retention.Decision decision = retention(target, now);
    List<Manifest> delete = new ArrayList<>();
    delete.addAll(decision.deleteBackups());
    delete.addAll(decision.deleteLogs());
    delete.sort(Comparator.comparing(Manifest::endTime));
    List<String> backups = new ArrayList<>();
    List<String> logs = new ArrayList<>();
    List<String> objects = new ArrayList<>();
    List<String> locked = new ArrayList<>();
    for (Manifest manifest : delete) {
      if (dryRun) {
        (manifest instanceof LogManifest ? logs : backups).add(manifest.id());
        objects.add(BackupStore.manifestKey(manifest));
        manifest.pieces().forEach(piece -> objects.add(piece.key()));
        continue;
      }
      if (deleteWhole(manifest, objects, locked, log)) {
        (manifest instanceof LogManifest ? logs : backups).add(manifest.id());
      }
    }
    return new PruneReport(target, dryRun, backups, logs, objects, locked, decision.keepBackups().size(), decision.keepLogs().size());
  }

  private boolean deleteWhole(Manifest manifest, List<String> objects, List<String> locked, StepLog log) {
    ObjectStore store = bucket.store();
    String manifestKey = BackupStore.manifestKey(manifest);
    catalog().forget(manifest);
    try {
      store.delete(manifestKey);
    } catch (ObjectLockedException e) {
      catalog().record(manifest);
      locked.add(manifestKey);
      log.ran("delete " + manifestKey, "kept: " + e.getMessage());
      return false;
    } catch (RuntimeException e) {
      catalog().record(manifest);
      throw e;
    }
    objects.add(manifestKey);
    log.ran("delete " + manifestKey, "deleted (" + kind(manifest) + " " + manifest.id() + " no longer exists)");
    for (var piece : manifest.pieces()) {
      try {
        store.delete(piece.key());
        objects.add(piece.key());
        log.ran("delete " + piece.key(), "deleted (" + piece.size() + " bytes)");
      } catch (ObjectLockedException e) {
        locked.add(piece.key());
        log.ran("delete " + piece.key(), "kept: " + e.getMessage());
      }
    }
    return true;
  }

  private static String kind(Manifest manifest) {
    return manifest instanceof BackupManifest backup ? backup.type() + " backup" : "log batch";
  }

  private BackupCatalog catalog() {
    return bucket.catalog();
  }
}
