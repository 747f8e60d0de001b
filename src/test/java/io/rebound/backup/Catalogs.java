package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Test catalogs of one PostgreSQL target, written in minutes from a fixed start. Positions follow time on a
 * timeline unless given: minute {@code m} is at LSN {@code m * 4096}, so that times and positions agree.
 */
final class Catalogs {

  static final Instant EPOCH = Instant.parse("2026-11-01T00:00:00Z");
  static final String TARGET = "orders";
  static final String IDENTITY = "7301188211537469442";

  private final List<BackupManifest> backups = new ArrayList<>();
  private final List<LogManifest> logs = new ArrayList<>();

  static Instant at(long minute) {
    return EPOCH.plus(Duration.ofMinutes(minute));
  }

  static String lsn(long minute) {
    long value = minute * 4096;
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }

  Catalogs full(String id, long start, long end) {
    return backup(id, BackupType.FULL, null, start, end, 1, IDENTITY);
  }

  Catalogs incremental(String id, String parent, long start, long end) {
    return backup(id, BackupType.INCREMENTAL, parent, start, end, 1, IDENTITY);
  }

  Catalogs backup(String id, BackupType type, String parent, long start, long end, long timeline, String identity) {
    return backup(id, type, parent, start, end, lsn(start), lsn(end), timeline, identity);
  }

  Catalogs backup(String id, BackupType type, String parent, long start, long end, String startPosition, String endPosition,
      long timeline, String identity) {
    String directory = "rebound/backups/" + TARGET + "/2026/11/01/" + id + "/";
    backups.add(new BackupManifest(id, TARGET, Dialect.POSTGRESQL, type, parent, timeline, identity, at(start), at(end), startPosition,
        endPosition, List.of(new Piece("base.tar", directory + "base.tar", 1000 + start, sha(id)))));
    return this;
  }

  /** Log batches of {@code step} minutes from {@code from} to {@code to}, contiguous. */
  Catalogs logs(long from, long to, long step) {
    return logs(from, to, step, 1, IDENTITY);
  }

  Catalogs logs(long from, long to, long step, long timeline, String identity) {
    for (long start = from; start < to; start += step) {
      long end = Math.min(to, start + step);
      logs(start, end, lsn(start), lsn(end), timeline, identity);
    }
    return this;
  }

  Catalogs logs(long start, long end, String startPosition, String endPosition, long timeline, String identity) {
    String id = "wal-" + timeline + "-" + identity.substring(0, 3) + "-" + start + "-" + end + "-" + startPosition.replace('/', '_');
    String directory = "rebound/backups/" + TARGET + "/logs/2026/11/01/" + id + "/";
    logs.add(new LogManifest(id, TARGET, Dialect.POSTGRESQL, timeline, identity, at(start), at(end), startPosition, endPosition,
        List.of(new Piece("segments.tar", directory + "segments.tar", 16 * (end - start), sha(id)))));
    return this;
  }

  CatalogSnapshot snapshot() {
    return new CatalogSnapshot(TARGET, Dialect.POSTGRESQL, backups, logs);
  }

  static String sha(String seed) {
    return String.format("%064x", Math.abs((long) seed.hashCode()));
  }
}
