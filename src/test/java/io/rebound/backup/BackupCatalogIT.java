package io.rebound.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Dialect;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The catalog on a real PostgreSQL engine database and a real S3 server over HTTP: backups and log batches put
 * into the bucket, planned from, and the catalog thrown away and rebuilt from the bucket alone.
 */
class BackupCatalogIT {

  private static final Instant T0 = Instant.parse("2026-11-29T01:00:00Z");
  private static final String TARGET = "orders";
  private static final String IDENTITY = "7301188211537469442";
  private static final int PART = 5 * 1024 * 1024;

  private static S3Server server;
  private static EmbeddedPostgres engine;

  @TempDir
  Path directory;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start();
    engine = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    engine.close();
  }

  private static BackupCatalog catalog(String database) {
    DataSource dataSource = engine.getDatabase("postgres", "postgres");
    new JdbcTemplate(dataSource).execute("CREATE DATABASE " + database);
    DataSource own = engine.getDatabase("postgres", database);
    Flyway.configure().dataSource(own).table("rebound_schema_history").baselineOnMigrate(true).baselineVersion("0").load().migrate();
    return new BackupCatalog(own, new DataSourceTransactionManager(own));
  }

  private Path file(String name, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Path dir = Files.createDirectories(directory.resolve("work-" + seed));
    return Files.write(dir.resolve(name), bytes);
  }

  private static Instant minute(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  private static String lsn(long minutes) {
    return "1/" + Long.toHexString(minutes * 4096).toUpperCase();
  }

  private static BackupManifest backup(String id, BackupType type, String parent, long start, long end) {
    return new BackupManifest(id, TARGET, Dialect.POSTGRESQL, type, parent, 1, IDENTITY, minute(start), minute(end), lsn(start), lsn(end),
        List.of());
  }

  private LogManifest logs(BackupStore backups, long start, long end) throws IOException {
    String id = "wal-" + start;
    return backups.publish(new LogManifest(id, TARGET, Dialect.POSTGRESQL, 1, IDENTITY, minute(start), minute(end), lsn(start), lsn(end),
        List.of()), List.of(file("00000001000000010000000" + (start / 60), 3000, start)));
  }

  @Test
  void shouldPlanTheSameFromACatalogRebuiltFromTheBucketAlone() throws IOException {
    BackupCatalog catalog = catalog("rebuilt");
    try (ObjectStore store = server.store("rebuilt", new TransferSettings(PART, 2))) {
      BackupStore backups = new BackupStore(store);
      catalog.record(backups.publish(backup("full-1", BackupType.FULL, null, 0, 10),
          List.of(file("base.tar", PART + 4321, 1), file("backup_label", 200, 2))));
      for (long start = 0; start < 1440; start += 60) {
        catalog.record(logs(backups, start, start + 60));
      }
      catalog.record(backups.publish(backup("incr-1", BackupType.INCREMENTAL, "full-1", 600, 610), List.of(file("changed.tar", 5000, 3))));
      // A second FULL whose upload stops after its first piece: no manifest, so no backup.
      assertThatThrownBy(() -> backups.publish(backup("full-2", BackupType.FULL, null, 1200, 1210),
          List.of(file("base.tar", 7000, 4), directory.resolve("missing.tar")))).isInstanceOf(NoSuchFileException.class);
      assertThat(store.list(store.key("backups/orders/2026/11/29/full-2/"))).hasSize(1);

      CatalogSnapshot recorded = catalog.snapshot(TARGET, Dialect.POSTGRESQL);
      RecoveryPlan atNoon = PointInTimePlanner.plan(recorded, RecoveryPoint.at(minute(700)));
      RecoveryPlan latest = PointInTimePlanner.plan(recorded, RecoveryPoint.latest());
      RecoveryPlan beforeIncremental = PointInTimePlanner.plan(recorded, RecoveryPoint.at(minute(300)));
      assertThat(atNoon.backups()).extracting(BackupManifest::id).containsExactly("full-1", "incr-1");
      assertThat(beforeIncremental.backups()).extracting(BackupManifest::id).containsExactly("full-1");
      assertThat(latest.recoverToTime()).isEqualTo(minute(1440));

      new JdbcTemplate(engine.getDatabase("postgres", "rebuilt")).update("DELETE FROM rebound_backup_catalog");
      assertThat(catalog.isEmpty()).isTrue();
      BackupCatalog.RebuildReport report = catalog.rebuild(store);

      assertThat(report.backups()).isEqualTo(2);
      assertThat(report.logBatches()).isEqualTo(24);
      assertThat(report.refused()).isEmpty();
      CatalogSnapshot rebuilt = catalog.snapshot(TARGET, Dialect.POSTGRESQL);
      assertThat(rebuilt.backups()).extracting(BackupManifest::id).containsExactlyInAnyOrder("full-1", "incr-1").doesNotContain("full-2");
      assertThat(PointInTimePlanner.plan(rebuilt, RecoveryPoint.at(minute(700)))).isEqualTo(atNoon);
      assertThat(PointInTimePlanner.plan(rebuilt, RecoveryPoint.latest())).isEqualTo(latest);
      assertThat(PointInTimePlanner.plan(rebuilt, RecoveryPoint.at(minute(300)))).isEqualTo(beforeIncremental);

      // Every piece of the plan comes back byte for byte, checked against the manifest's checksum.
      for (Piece piece : atNoon.pieces()) {
        Path copy = directory.resolve("restore").resolve(piece.key().replace('/', '_'));
        store.download(piece.key(), copy, piece.sha256());
        assertThat(Files.size(copy)).isEqualTo(piece.size());
      }
    }
  }

  @Test
  void shouldRefuseOnRebuildABackupWhosePieceIsGoneOrWhoseManifestIsDamaged() throws IOException {
    BackupCatalog catalog = catalog("damaged");
    try (ObjectStore store = server.store("damaged", new TransferSettings(PART, 2))) {
      BackupStore backups = new BackupStore(store);
      backups.publish(backup("full-1", BackupType.FULL, null, 0, 10), List.of(file("base.tar", 1000, 5)));
      BackupManifest incomplete = backups.publish(backup("full-2", BackupType.FULL, null, 100, 110), List.of(file("base.tar", 1000, 6)));
      logs(backups, 0, 200);
      store.delete(incomplete.pieces().get(0).key());
      String damaged = store.key("backups/orders/2026/11/29/full-3/manifest.json");
      store.put(damaged, "{\"format\": 1, \"kind\": \"backup\"}".getBytes(), "application/json");

      BackupCatalog.RebuildReport report = catalog.rebuild(store);

      assertThat(report.backups()).isEqualTo(1);
      assertThat(report.logBatches()).isEqualTo(1);
      assertThat(report.refused()).containsOnlyKeys(BackupStore.manifestKey(incomplete), damaged);
      assertThat(report.refused().get(BackupStore.manifestKey(incomplete))).contains(incomplete.pieces().get(0).key(), "not in the bucket");
      assertThat(report.refused().get(damaged)).contains("is missing");
      assertThat(PointInTimePlanner.plan(catalog.snapshot(TARGET, Dialect.POSTGRESQL), RecoveryPoint.latest()).backups())
          .extracting(BackupManifest::id).containsExactly("full-1");
    }
  }
}
