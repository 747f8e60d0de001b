package io.rebound.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The retention rule: of a target's backups and log batches, those that no point inside the recovery window
 * ({@code now - window} to {@code now}) needs. Pure: it decides, the caller deletes (respecting object lock).
 *
 * <p>A point needs the FULL and INCREMENTALs the planner would start from and every log batch of that database and
 * timeline from the last of those backups' start position on. Between two backup ends the chain a point starts
 * from does not change, so the points looked at are the window's start, every backup end inside the window, and
 * now; the logs kept run to the newest shipped, which covers every point between them. Anything that ends inside
 * the window is kept whatever it is, and so is everything when the window's start has no FULL before it.
 */
public final class Retention {

  /** What may be deleted, and what is kept. */
  public record Decision(List<BackupManifest> deleteBackups, List<LogManifest> deleteLogs, List<BackupManifest> keepBackups,
      List<LogManifest> keepLogs) {}

  private Retention() {}

  public static Decision decide(CatalogSnapshot catalog, Instant now, Duration window) {
    if (window.isNegative()) {
      throw new IllegalArgumentException("the recovery window must not be negative, was " + window);
    }
    Instant windowStart = now.minus(window);
    Set<Instant> points = new TreeSet<>();
    points.add(windowStart);
    points.add(now);
    catalog.backups().stream().map(BackupManifest::endTime)
        .filter(end -> end.isAfter(windowStart) && !end.isAfter(now)).forEach(points::add);
    Set<Manifest> keep = new LinkedHashSet<>();
    catalog.backups().stream().filter(backup -> backup.endTime().isAfter(windowStart)).forEach(keep::add);
    catalog.logs().stream().filter(batch -> batch.endTime().isAfter(windowStart)).forEach(keep::add);
    if (PointInTimePlanner.chain(catalog, RecoveryPoint.at(windowStart)).isEmpty()) {
      // Nothing restores the window's start yet: the oldest backups are the ones the window is waiting on.
      return new Decision(List.of(), List.of(), catalog.backups(), catalog.logs());
    }
    Comparator<String> order = Positions.order(catalog.dialect());
    for (Instant point : points) {
      PointInTimePlanner.chain(catalog, RecoveryPoint.at(point)).ifPresent(chain -> {
        keep.addAll(chain.backups());
        String from = chain.last().startPosition();
        PointInTimePlanner.logsOf(catalog, chain.full()).stream()
            .filter(batch -> order.compare(batch.endPosition(), from) > 0)
            .forEach(keep::add);
      });
    }
    List<BackupManifest> deleteBackups = new ArrayList<>();
    List<BackupManifest> keepBackups = new ArrayList<>();
    catalog.backups().forEach(backup -> (keep.contains(backup) ? keepBackups : deleteBackups).add(backup));
    List<LogManifest> deleteLogs = new ArrayList<>();
    List<LogManifest> keepLogs = new ArrayList<>();
    catalog.logs().forEach(batch -> (keep.contains(batch) ? keepLogs : deleteLogs).add(batch));
    return new Decision(deleteBackups, deleteLogs, keepBackups, keepLogs);
  }
}
