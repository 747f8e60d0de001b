package io.rebound.backup;

import io.rebound.storage.CorruptObjectException;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The catalog of complete backups and shipped log batches, in the engine database. It is only an index of the
 * bucket: {@link #rebuild(ObjectStore)} makes it again from the manifests there and nothing else, so losing
 * Rebound's database never loses a backup.
 */
@Component
// Its table comes from the migrations in db/migration.
@DependsOnDatabaseInitialization
public class BackupCatalog {

  /** What a rebuild found: the manifests taken, and those refused with the reason. */
  public record RebuildReport(int backups, int logBatches, Map<String, String> refused) {}

  private static final Logger LOG = LoggerFactory.getLogger(BackupCatalog.class);
  private static final String BACKUP = "BACKUP";
  private static final String LOGS = "LOGS";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;

  public BackupCatalog(DataSource dataSource, PlatformTransactionManager transactions) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.transaction = new TransactionTemplate(transactions);
  }

  /** Records a manifest just written to the bucket (again: the same manifest twice is one entry). */
  public void record(Manifest manifest) {
    transaction.executeWithoutResult(status -> insert(manifest));
  }

  /** Forgets an entry whose objects were deleted from the bucket. */
  public void forget(Manifest manifest) {
    jdbc.update("DELETE FROM rebound_backup_catalog WHERE target = ? AND kind = ? AND id = ?", manifest.target(), kind(manifest),
        manifest.id());
  }

  /** A target's complete backups and log batches, oldest first. */
  public CatalogSnapshot snapshot(String target, Dialect dialect) {
    List<BackupManifest> backups = new ArrayList<>();
    List<LogManifest> logs = new ArrayList<>();
    jdbc.query("SELECT manifest, manifest_key FROM rebound_backup_catalog WHERE target = ? ORDER BY end_time, kind, id", row -> {
      Manifest manifest = ManifestJson.read(row.getString(1).getBytes(StandardCharsets.UTF_8), row.getString(2));
      if (manifest instanceof BackupManifest backup) {
        backups.add(backup);
      } else {
        logs.add((LogManifest) manifest);
      }
    }, target);
    return new CatalogSnapshot(target, dialect, backups, logs);
  }

  public boolean isEmpty() {
    Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM rebound_backup_catalog", Integer.class);
    return count == null || count == 0;
  }

  /**
   * Replaces the catalog with what the bucket's manifests say. A manifest is taken only when it passes its checks
   * and every piece it names is in the bucket with the size it records; the others are reported, never guessed at.
   */
  public RebuildReport rebuild(ObjectStore store) {
    Map<String, Long> objects = store.list(store.key(BackupLayout.ROOT));
    List<Manifest> found = new ArrayList<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (String key : objects.keySet()) {
      if (!key.endsWith("/" + BackupLayout.MANIFEST)) {
        continue;
      }
      try {
        Manifest manifest = ManifestJson.read(store.get(key), key);
        String missing = missingPiece(manifest, objects);
        if (missing != null) {
          refused.put(key, missing);
        } else {
          found.add(manifest);
        }
      } catch (IllegalArgumentException | CorruptObjectException e) {
        refused.put(key, e.getMessage());
      }
    }
    transaction.executeWithoutResult(status -> {
      jdbc.update("DELETE FROM rebound_backup_catalog");
      found.forEach(this::insert);
    });
    int backups = (int) found.stream().filter(BackupManifest.class::isInstance).count();
    refused.forEach((key, reason) -> LOG.warn("Backup catalog rebuild: {} is not taken: {}", key, reason));
    LOG.info("Backup catalog rebuilt from bucket {}: {} backups, {} log batches, {} manifests refused", store.bucket(), backups,
        found.size() - backups, refused.size());
    return new RebuildReport(backups, found.size() - backups, refused);
  }

  private static String missingPiece(Manifest manifest, Map<String, Long> objects) {
    for (Piece piece : manifest.pieces()) {
      Long size = objects.get(piece.key());
      if (size == null) {
        return "piece " + piece.key() + " is not in the bucket";
      }
      if (size != piece.size()) {
        return "piece " + piece.key() + " holds " + size + " bytes, the manifest says " + piece.size();
      }
    }
    return null;
  }

  private void insert(Manifest manifest) {
    String key = BackupStore.manifestKey(manifest);
    ManifestJson.check(manifest, key);
    BackupManifest backup = manifest instanceof BackupManifest b ? b : null;
    jdbc.update("DELETE FROM rebound_backup_catalog WHERE target = ? AND kind = ? AND id = ?", manifest.target(), kind(manifest),
        manifest.id());
    jdbc.update("INSERT INTO rebound_backup_catalog (target, kind, id, backup_type, parent_id, dialect, timeline, database_identity,"
            + " start_time, end_time, start_position, end_position, size_bytes, manifest_key, manifest)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        manifest.target(), kind(manifest), manifest.id(), backup == null ? null : backup.type().name(),
        backup == null ? null : backup.parentId(), manifest.dialect().name(), manifest.timeline(), manifest.databaseIdentity(),
        Timestamp.from(manifest.startTime()), Timestamp.from(manifest.endTime()), manifest.startPosition(), manifest.endPosition(),
        manifest.size(), key, new String(ManifestJson.write(manifest), StandardCharsets.UTF_8));
  }

  private static String kind(Manifest manifest) {
    return manifest instanceof BackupManifest ? BACKUP : LOGS;
  }
}
