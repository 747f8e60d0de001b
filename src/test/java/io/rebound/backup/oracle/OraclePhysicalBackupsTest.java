package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalBackups;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.backup.oracle.OracleBackupQueries.Destination;
import io.rebound.backup.oracle.OracleBackupQueries.PieceRow;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.ArchivedLog;
import io.rebound.backup.oracle.OracleManifests.BackupRange;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedWorkers;
import io.rebound.runbook.JobHost;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Oracle physical layer's jobs, for real, with RMAN replaced by a fake {@code rman} that writes real RMAN logs
 * (src/test/resources/rman) and the dictionary by a seam answering as Oracle would: the job model (a job starts once,
 * is attached to while it runs, stays failed until discarded, is released), the pieces, manifests and positions, the
 * restore's downloads and command file, and the pruning of exactly the shipped logs.
 */
class OraclePhysicalBackupsTest {

  static final String DBID = "1613387266";
  static final ZoneId ZONE = ZoneId.of("Europe/Lisbon");
  static S3Server s3;

  @TempDir Path root;
  final DetachedWorkers workers = new DetachedWorkers();
  Path fake;
  Path work;
  FakeDictionary dictionary;
  OraclePhysicalBackups backups;
  Target target;
  ObjectStore store;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Server.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @BeforeEach
  void setUp() throws IOException {
    fake = Files.createDirectories(root.resolve("fake"));
    work = root.resolve("work");
    Path rman = fake.resolve("rman");
    try (InputStream script = getClass().getResourceAsStream("/rman/fake/rman")) {
      Files.copy(script, rman);
    }
    rman.toFile().setExecutable(true);
    Files.copy(sample("backup-format-directory-missing.log"), fake.resolve("format-missing"));
    use("level0-backup.log", 0);
    target = target("ora", Map.of("FAKE_RMAN_DIR", fake.toString(), "TZ", ZONE.getId()));
    dictionary = new FakeDictionary();
    store = s3.store("oracle-" + System.nanoTime(), TransferSettings.DEFAULT);
    backups = new OraclePhysicalBackups(root.resolve("node"), new DetachedJobs(new JobHost("test-host", "", Duration.ofMillis(50),
        Duration.ofSeconds(10)), workers), () -> store, dictionary, Duration.ofMillis(20));
  }

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  Target target(String name, Map<String, String> environment) {
    TargetProperties.Backup backup = new TargetProperties.Backup(null, null, null, null, null, work, null, null, null,
        List.of(fake.resolve("rman").toString(), "target", "/"), environment, null);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), root.resolve("node"), null));
    targets.register(name, new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE", "system", null, null, null,
        null, null, 2, Map.of(), Map.of(), null, null, null, null, null, null, backup));
    return targets.get(name);
  }

  static Path sample(String name) {
    return Path.of("src/test/resources/rman").resolve(name).toAbsolutePath();
  }

  void use(String sample, int exit) throws IOException {
    Files.writeString(fake.resolve("sample"), sample(sample).toString());
    Files.writeString(fake.resolve("exit"), Integer.toString(exit));
  }

  /** The piece files the fake RMAN writes, and the control file records under {@code tag}. */
  void pieces(String tag, Path directory, String... names) throws IOException {
    List<String> paths = new ArrayList<>();
    for (String name : names) {
      Path file = directory.resolve(name);
      paths.add(file.toString());
      dictionary.pieces.computeIfAbsent(tag, key -> new ArrayList<>()).add(new PieceRow(file.toString(), 20, Instant.EPOCH));
    }
    Files.writeString(fake.resolve("create"), String.join("\n", paths) + "\n");
  }

  List<String> scriptsRun() throws IOException {
    try (Stream<Path> files = Files.list(fake)) {
      return files.filter(file -> file.getFileName().toString().startsWith("run-")).sorted().map(file -> {
        try {
          return Files.readString(file);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  <T> PhysicalJob<T> awaitDone(Supplier<PhysicalJob<T>> call) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(call::get, PhysicalJob::isDone);
  }

  Path job(String key) {
    return work.resolve(key);
  }

  // ---------------------------------------------------------------- backups

  @Test
  void shouldTakeAFullBackupIntoItsJobDirectoryCreatedBeforeRmanRunsWithItsManifestFromTheDictionary() throws IOException {
    Path pieces = job("r1-backup").resolve("pieces/fullr1");
    pieces("RB_FULLR1", pieces, "0v3a1b2c_1_1", "controlfile_123a1b31_1_1", "spfile_133a1b33_1_1");
    // A piece under the same tag from an earlier attempt, moved aside when it failed: not this backup's.
    dictionary.pieces.get("RB_FULLR1").add(new PieceRow(work.resolve("r1-backup.failed-1/pieces/fullr1/0a_1_1").toString(), 9,
        Instant.EPOCH));

    PhysicalJob<TakenBackup> started = backups.backup(target, new BackupRequest("r1-backup", "fullr1", BackupType.FULL, null));
    PhysicalJob<TakenBackup> done = awaitDone(() -> backups.backup(target, new BackupRequest("r1-backup", "fullr1", BackupType.FULL, null)));

    assertThat(started.startedNow()).isTrue();
    assertThat(done.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    BackupManifest manifest = done.result().manifest();
    assertThat(manifest).isEqualTo(new BackupManifest("fullr1", "ora", Dialect.ORACLE, BackupType.FULL, null, 3, DBID,
        Instant.parse("2026-11-29T01:00:04Z"), Instant.parse("2026-11-29T01:00:52Z"), "2390415", "2390633", List.of()));
    assertThat(done.result().files()).containsExactly(pieces.resolve("0v3a1b2c_1_1"), pieces.resolve("controlfile_123a1b31_1_1"),
        pieces.resolve("spfile_133a1b33_1_1"));
    assertThat(scriptsRun()).singleElement().satisfies(script -> assertThat(script)
        .contains("ALLOCATE CHANNEL rb1 DEVICE TYPE DISK FORMAT '" + pieces + "/%U';", "ALLOCATE CHANNEL rb2 ")
        .contains("BACKUP INCREMENTAL LEVEL 0 SECTION SIZE 32768M DATABASE TAG 'RB_FULLR1';")
        .contains("BACKUP ARCHIVELOG FROM SCN 2390411 TAG 'RB_FULLR1';")
        .contains("BACKUP SPFILE FORMAT '" + pieces + "/spfile_%U'"));
    assertThat(dictionary.rangeAsked).containsExactly("RB_FULLR1 from 2390411");
  }

  @Test
  void shouldStartABackupOnceAndAttachToItWhileItRuns() throws IOException {
    pieces("RB_FULLR2", job("r2-backup").resolve("pieces/fullr2"), "0v3a1b2c_1_1");
    Files.writeString(fake.resolve("hold"), "");
    BackupRequest request = new BackupRequest("r2-backup", "fullr2", BackupType.FULL, null);

    PhysicalJob<TakenBackup> first = backups.backup(target, request);
    await().atMost(Duration.ofSeconds(20)).until(() -> scriptsRun().size() == 1);
    PhysicalJob<TakenBackup> second = backups.backup(target, request);

    assertThat(first.startedNow()).isTrue();
    assertThat(second.startedNow()).isFalse();
    assertThat(second.state()).isEqualTo(PhysicalJob.State.RUNNING);
    assertThat(backups.look(target, "r2-backup").state()).isEqualTo(PhysicalJob.State.RUNNING);
    Files.delete(fake.resolve("hold"));
    assertThat(awaitDone(() -> backups.backup(target, request)).state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(backups.backup(target, request).startedNow()).isFalse();
    assertThat(scriptsRun()).hasSize(1);
    assertThatThrownBy(() -> backups.discard(target, "r2-backup")).hasMessageContaining("has not failed (SUCCEEDED)");
  }

  @Test
  void shouldKeepAFailedBackupFailedWithRmansReasonUntilItIsDiscardedThenRunItAfresh() throws IOException {
    use("backup-channel-unreadable.log", 1);
    BackupRequest request = new BackupRequest("r3-backup", "fullr3", BackupType.FULL, null);

    PhysicalJob<TakenBackup> failed = awaitDone(() -> backups.backup(target, request));
    PhysicalJob<TakenBackup> again = backups.backup(target, request);

    assertThat(failed.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(failed.failure()).contains("The RMAN backup command failed: RMAN cannot read /u03/arch/ORCL/1_41_1187654321.arc");
    assertThat(again.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(again.startedNow()).isFalse();
    assertThat(scriptsRun()).hasSize(1);

    backups.discard(target, "r3-backup");
    assertThat(backups.look(target, "r3-backup").state()).isEqualTo(PhysicalJob.State.NOT_STARTED);
    try (Stream<Path> aside = Files.list(work)) {
      assertThat(aside.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("r3-backup.failed-"));
    }
    use("level0-backup.log", 0);
    pieces("RB_FULLR3", job("r3-backup").resolve("pieces/fullr3"), "0v3a1b2c_1_1");
    PhysicalJob<TakenBackup> afresh = backups.backup(target, request);
    assertThat(afresh.startedNow()).isTrue();
    assertThat(awaitDone(() -> backups.backup(target, request)).state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(scriptsRun()).hasSize(2);
  }

  @Test
  void shouldFailABackupWhoseRmanCannotWriteItsPiecesOrRecordsNone() throws IOException {
    // The fake RMAN fails as RMAN does when its FORMAT directory is missing: the layer creates it, so this one succeeds
    // as far as RMAN goes, and fails because the control file records no piece there.
    PhysicalJob<TakenBackup> job = awaitDone(() -> backups.backup(target, new BackupRequest("r4-backup", "fullr4", BackupType.FULL, null)));

    assertThat(job.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(job.failure()).isEqualTo("the control file records no piece under tag RB_FULLR4 in " + job("r4-backup").resolve(
        "pieces/fullr4") + ": RMAN wrote nothing there");
    assertThat(Files.isDirectory(job("r4-backup").resolve("pieces/fullr4"))).isTrue();
  }

  @Test
  void shouldRefuseAnIncrementalOverABackupOfAnotherDatabaseOrIncarnationOrAfterForeignLevelBackups() throws IOException {
    BackupManifest parent = new BackupManifest("fullp", "ora", Dialect.ORACLE, BackupType.FULL, null, 3, DBID, Instant.EPOCH,
        Instant.EPOCH, "1", "2", List.of());
    BackupManifest otherIncarnation = new BackupManifest("fullq", "ora", Dialect.ORACLE, BackupType.FULL, null, 2, DBID, Instant.EPOCH,
        Instant.EPOCH, "1", "2", List.of());
    BackupManifest otherDatabase = new BackupManifest("fulls", "ora", Dialect.ORACLE, BackupType.FULL, null, 3, "42", Instant.EPOCH,
        Instant.EPOCH, "1", "2", List.of());
    dictionary.foreign = List.of("WEEKLY_L0");

    PhysicalJob<TakenBackup> foreign = awaitDone(() -> backups.backup(target, new BackupRequest("i1", "incr1", BackupType.INCREMENTAL, parent)));
    PhysicalJob<TakenBackup> incarnation = awaitDone(() -> backups.backup(target, new BackupRequest("i2", "incr2", BackupType.INCREMENTAL,
        otherIncarnation)));
    PhysicalJob<TakenBackup> database = awaitDone(() -> backups.backup(target, new BackupRequest("i3", "incr3", BackupType.INCREMENTAL,
        otherDatabase)));

    assertThat(foreign.failure()).startsWith("level 0 or 1 backups were taken outside Rebound since backup fullp (tags WEEKLY_L0)");
    assertThat(dictionary.foreignAsked).containsExactly("RB_FULLP/RB_INCR1");
    assertThat(incarnation.failure()).isEqualTo("the database is in incarnation 3 since backup fullq (incarnation 2) was taken: take a"
        + " FULL backup");
    assertThat(database.failure()).startsWith("backup fulls is of database 42, not of this one (DBID 1613387266)");
    assertThat(scriptsRun()).isEmpty();

    dictionary.foreign = List.of();
    pieces("RB_INCR4", job("i4").resolve("pieces/incr4"), "0v3a1b2c_1_1");
    PhysicalJob<TakenBackup> taken = awaitDone(() -> backups.backup(target, new BackupRequest("i4", "incr4", BackupType.INCREMENTAL, parent)));
    assertThat(taken.state()).as(taken.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(taken.result().manifest().parentId()).isEqualTo("fullp");
    assertThat(taken.result().manifest().type()).isEqualTo(BackupType.INCREMENTAL);
    assertThat(scriptsRun()).singleElement().asString().contains("BACKUP INCREMENTAL LEVEL 1 ");
  }

  @Test
  void shouldReleaseOnlyTheFilesOfAFinishedJobAndKeepKnowingItDone() throws IOException {
    pieces("RB_FULLR5", job("r5-backup").resolve("pieces/fullr5"), "0v3a1b2c_1_1");
    BackupRequest request = new BackupRequest("r5-backup", "fullr5", BackupType.FULL, null);
    awaitDone(() -> backups.backup(target, request));

    backups.release(target, "r5-backup");

    assertThat(job("r5-backup").resolve("pieces")).doesNotExist();
    assertThat(job("r5-backup").resolve("rman/rman.log")).exists();
    assertThat(backups.look(target, "r5-backup").state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(backups.backup(target, request).state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(scriptsRun()).hasSize(1);
  }

  @Test
  void shouldFailAJobWhoseRmanVanishedAndRunRmanAgainOnlyAsAFreshStartOnceTheJobIsDiscarded() throws IOException {
    // A node died with the work and with its RMAN: the work's heartbeat is an hour old, RMAN's pid is gone, its log cut.
    Path job = Files.createDirectories(job("r8-backup").resolve("rman")).getParent();
    String deadNode = "host=dead-node\nboot=b\npid=4242\nstarted=2026-11-29T01:00:00Z\n";
    Files.writeString(job.resolve("start-1"), deadNode);
    Files.writeString(job.resolve("pid"), deadNode);
    Files.writeString(job.resolve("heartbeat"), "2026-11-29T01:00:00Z");
    Files.writeString(job.resolve("rman/pid"), "2147483646 2026-11-29T01:00:00Z\n");
    Files.writeString(job.resolve("rman/rman.log"), "Starting backup at 2026-11-29 01:00:04\n");
    for (String name : List.of("start-1", "pid", "heartbeat", "rman/pid")) {
      Files.setLastModifiedTime(job.resolve(name), java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }
    BackupRequest request = new BackupRequest("r8-backup", "fullr8", BackupType.FULL, null);

    PhysicalJob<TakenBackup> takenAgain = backups.backup(target, request);
    PhysicalJob<TakenBackup> failed = awaitDone(() -> backups.backup(target, request));

    assertThat(takenAgain.startedNow()).as("the work is started again, a start its step records").isTrue();
    assertThat(failed.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(failed.failure()).startsWith("RMAN stopped without an exit code (its host restarted or it was killed)");
    assertThat(scriptsRun()).as("no RMAN started where one vanished").isEmpty();

    backups.discard(target, "r8-backup");
    pieces("RB_FULLR8", job("r8-backup").resolve("pieces/fullr8"), "0v3a1b2c_1_1");
    PhysicalJob<TakenBackup> afresh = backups.backup(target, request);
    PhysicalJob<TakenBackup> done = awaitDone(() -> backups.backup(target, request));

    assertThat(afresh.startedNow()).isTrue();
    assertThat(done.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(done.result().files()).containsExactly(job("r8-backup").resolve("pieces/fullr8/0v3a1b2c_1_1"));
    assertThat(scriptsRun()).hasSize(1);
    try (Stream<Path> aside = Files.list(work)) {
      assertThat(aside.filter(path -> path.getFileName().toString().startsWith("r8-backup.failed-")))
          .singleElement().satisfies(path -> assertThat(path.resolve("rman/rman.log")).hasContent("Starting backup at 2026-11-29 01:00:04"));
    }
  }

  @Test
  void shouldReadAFinishedJobsResultByALookThatNeverStartsAJob() throws IOException {
    pieces("RB_FULLR6", job("r6-backup").resolve("pieces/fullr6"), "0v3a1b2c_1_1");
    BackupRequest request = new BackupRequest("r6-backup", "fullr6", BackupType.FULL, null);
    PhysicalJob<TakenBackup> taken = awaitDone(() -> backups.backup(target, request));

    PhysicalJob<TakenBackup> looked = backups.lookAtBackup(target, "r6-backup");

    assertThat(looked.state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(looked.result()).isEqualTo(taken.result());
    assertThat(looked.startedNow()).isFalse();
    assertThat(backups.lookAtBackup(target, "r7-backup").state()).isEqualTo(PhysicalJob.State.NOT_STARTED);
    assertThat(backups.lookAtRestore(target, "r7-restore").state()).isEqualTo(PhysicalJob.State.NOT_STARTED);
    assertThat(job("r7-backup")).doesNotExist();
    assertThat(job("r7-restore")).doesNotExist();
    assertThat(scriptsRun()).hasSize(1);
  }

  @Test
  void shouldRefuseATargetOfAnotherDialectAndAWorkDirectoryRmanCouldMisread() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), root, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://x/y", "u", null, null, null, null, null, null,
        Map.of(), Map.of()));
    assertThatThrownBy(() -> backups.look(targets.get("pg"), "j")).hasMessage("target pg is not an Oracle target");

    TargetProperties.Backup spaced = new TargetProperties.Backup(null, null, null, null, null, Path.of("/srv/my backups"), null, null,
        null, null, null, null);
    targets.register("spaced", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//h/s", "u", null, null, null, null, null, null,
        Map.of(), Map.of(), null, null, null, null, null, null, spaced));
    assertThatThrownBy(() -> backups.look(targets.get("spaced"), "j"))
        .hasMessageContaining("rebound.targets.spaced.backup.work-directory '/srv/my backups' must be an absolute, normalised path");
  }

  // ---------------------------------------------------------------- archived logs

  static ArchivedLog log(int thread, long sequence, long first, long next, String completed) {
    return new ArchivedLog(thread, sequence, String.valueOf(first), String.valueOf(next), "2026-11-29 08:00:00", "2026-11-29 09:"
        + String.format("%02d", sequence % 60) + ":00", "/u03/arch/ORCL/" + thread + "_" + sequence + "_1187654321.arc", completed);
  }

  static LogManifest batch(String id, long incarnation, String dbid, long start, long end) {
    return new LogManifest(id, "ora", Dialect.ORACLE, incarnation, dbid, Instant.EPOCH, Instant.EPOCH, String.valueOf(start),
        String.valueOf(end), List.of(new Piece(id + "_1_1", "k/" + id, 1, "s")));
  }

  @Test
  void shouldShipEveryThreadsLogsSinceTheLastBatchOfThisIncarnationAsOneBatch() throws IOException {
    use("archivelog-ship.log", 0);
    dictionary.threads = Set.of(1, 2);
    dictionary.logs = List.of(log(1, 56, 4000, 5100, "x"), log(1, 57, 5100, 5200, "x"), log(1, 58, 5200, 5300, "x"),
        log(2, 31, 4900, 5250, "x"));
    pieces("RB_LOGSR6", job("r6-logs").resolve("pieces/logsr6"), "1j3a2c41_1_1", "1k3a2c44_1_1");
    List<LogManifest> shipped = List.of(batch("old", 3, DBID, 3000, 5000), batch("older-incarnation", 2, DBID, 3000, 9000),
        batch("other-db", 3, "42", 3000, 9999));

    PhysicalJob<CollectedLogs> job = awaitDone(() -> backups.collectLogs(target, new LogRequest("r6-logs", "logsr6", shipped)));

    assertThat(job.state()).as(job.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(dictionary.switches).isEqualTo(1);
    assertThat(dictionary.logsAskedFrom).containsExactly("5000");
    LogManifest manifest = job.result().batch().orElseThrow();
    assertThat(manifest.startPosition()).isEqualTo("5000");
    assertThat(manifest.endPosition()).isEqualTo("5250");
    assertThat(manifest.timeline()).isEqualTo(3);
    assertThat(manifest.databaseIdentity()).isEqualTo(DBID);
    assertThat(manifest.endTime()).isEqualTo(Instant.parse("2026-11-29T09:31:00Z"));
    assertThat(job.result().files()).extracting(path -> path.getFileName().toString()).containsExactly("1j3a2c41_1_1", "1k3a2c44_1_1");
    assertThat(scriptsRun()).singleElement().asString()
        .contains("BACKUP ARCHIVELOG SEQUENCE BETWEEN 56 AND 58 THREAD 1 TAG 'RB_LOGSR6';")
        .contains("BACKUP ARCHIVELOG SEQUENCE 31 THREAD 2 TAG 'RB_LOGSR6';");
  }

  @Test
  void shouldStartTheFirstBatchOfAnIncarnationWhereEveryThreadsRedoOnDiskIsComplete() throws IOException {
    use("archivelog-ship.log", 0);
    dictionary.threads = Set.of(1, 2);
    dictionary.logs = List.of(log(1, 10, 100, 200, "x"), log(1, 11, 200, 300, "x"), log(2, 4, 150, 250, "x"), log(2, 5, 250, 320, "x"));
    pieces("RB_LOGSR7", job("r7-logs").resolve("pieces/logsr7"), "1j3a2c41_1_1");

    PhysicalJob<CollectedLogs> job = awaitDone(() -> backups.collectLogs(target, new LogRequest("r7-logs", "logsr7",
        List.of(batch("other-incarnation", 2, DBID, 0, 90)))));

    assertThat(job.state()).as(job.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(dictionary.logsAskedFrom).containsExactly("0");
    LogManifest manifest = job.result().batch().orElseThrow();
    assertThat(manifest.startPosition()).isEqualTo("150");
    assertThat(manifest.endPosition()).isEqualTo("300");
    assertThat(scriptsRun()).singleElement().asString().contains("SEQUENCE BETWEEN 10 AND 11 THREAD 1", "SEQUENCE BETWEEN 4 AND 5 THREAD 2");
    assertThat(OraclePhysicalBackups.firstCommonScn(dictionary.logs)).isEqualTo("150");
  }

  @Test
  void shouldShipNothingWhenNothingWasArchivedAndFailWhenALogIsMissing() throws IOException {
    dictionary.logs = List.of();
    PhysicalJob<CollectedLogs> nothing = awaitDone(() -> backups.collectLogs(target, new LogRequest("r8-logs", "logsr8", List.of())));
    assertThat(nothing.state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(nothing.result().batch()).isEmpty();
    assertThat(nothing.result().files()).isEmpty();

    dictionary.threads = Set.of(1);
    dictionary.logs = List.of(log(1, 56, 4000, 5100, "x"), log(1, 58, 5200, 5300, "x"));
    PhysicalJob<CollectedLogs> gap = awaitDone(() -> backups.collectLogs(target, new LogRequest("r9-logs", "logsr9",
        List.of(batch("old", 3, DBID, 3000, 5000)))));
    assertThat(gap.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(gap.failure()).isEqualTo("archived log sequence 57 of thread 1 is not on disk: it was deleted or lost before it was shipped");
    assertThat(scriptsRun()).isEmpty();
  }

  @Test
  void shouldPruneExactlyTheShippedLocalLogsOlderThanTheRetentionAndReportWhatRmanKept() throws IOException {
    use("delete-archivelogs.log", 0);
    Instant now = Instant.parse("2026-11-30T01:05:00Z");
    dictionary.logs = List.of(log(1, 38, 1000, 1100, "2026-11-28 17:30:00"), log(1, 39, 1100, 1200, "2026-11-28 20:40:00"),
        log(1, 40, 1200, 1300, "2026-11-28 23:00:00"), log(1, 41, 1300, 1400, "2026-11-28 23:10:00"));
    List<LogManifest> shipped = List.of(batch("b1", 3, DBID, 900, 1300), batch("other-incarnation", 2, DBID, 900, 9000));

    List<String> deleted = backups.pruneLocalLogs(target, shipped, now);

    assertThat(deleted).containsExactly("/u03/arch/ORCL/1_38_1187654321.arc", "/u03/arch/ORCL/1_39_1187654321.arc");
    assertThat(dictionary.completedBeforeAsked).containsExactly(Instant.parse("2026-11-29T01:05:00Z"));
    assertThat(scriptsRun()).singleElement().asString()
        .contains("DELETE NOPROMPT ARCHIVELOG SEQUENCE BETWEEN 38 AND 40 THREAD 1 COMPLETED BEFORE \"TO_DATE('2026-11-29 01:05:00',")
        .doesNotContain("41");
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("prune-"));
    }
  }

  @Test
  void shouldPruneNothingWithoutRunningRmanWhenNoShippedLogIsOldEnough() throws IOException {
    dictionary.logs = List.of(log(1, 41, 1300, 1400, "2026-11-28 23:10:00"));

    assertThat(backups.pruneLocalLogs(target, List.of(batch("b1", 3, DBID, 900, 1300)), Instant.parse("2026-11-30T01:05:00Z"))).isEmpty();
    assertThat(backups.pruneLocalLogs(target, List.of(), Instant.parse("2026-11-30T01:05:00Z"))).isEmpty();
    assertThat(scriptsRun()).isEmpty();
  }

  @Test
  void shouldFailAPruneWhenRmanFailsAndKeepItsLog() throws IOException {
    use("backup-other-error-23ai.log", 1);
    dictionary.logs = List.of(log(1, 38, 1000, 1100, "2026-11-28 17:30:00"));

    assertThatThrownBy(() -> backups.pruneLocalLogs(target, List.of(batch("b1", 3, DBID, 900, 1300)), Instant.parse("2026-11-30T01:05:00Z")))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("The RMAN");
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("prune-"));
    }
  }

  @Test
  void shouldCountALogAsShippedOnlyInsideABatchOfItsDatabaseAndIncarnation() {
    DatabaseIdentity identity = FakeDictionary.IDENTITY;
    List<LogManifest> shipped = List.of(batch("b", 3, DBID, 1000, 2000));
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 1, 900, 1000, "x"), shipped, identity)).isFalse();
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 2, 1000, 1001, "x"), shipped, identity)).isTrue();
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 3, 1500, 2000, "x"), shipped, identity)).isTrue();
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 4, 1900, 2001, "x"), shipped, identity)).isFalse();
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 3, 1500, 2000, "x"), List.of(batch("b", 2, DBID, 1000, 2000)), identity)).isFalse();
    assertThat(OraclePhysicalBackups.shippedIn(log(1, 3, 1500, 2000, "x"), List.of(batch("b", 3, "7", 1000, 2000)), identity)).isFalse();
    assertThat(OraclePhysicalBackups.lastShippedEnd(List.of(batch("a", 3, DBID, 1, 900), batch("b", 3, DBID, 900, 10000),
        batch("c", 3, DBID, 2, 9999), batch("d", 2, DBID, 1, 99999)), identity)).contains("10000");
  }

  // ---------------------------------------------------------------- restores

  RecoveryPlan plan(RecoveryPoint point, String untilScn, boolean withPieces) throws IOException {
    BackupStore bucket = new BackupStore(store);
    Path files = Files.createDirectories(root.resolve("bucket-files"));
    BackupManifest full = new BackupManifest("full-1", "ora", Dialect.ORACLE, BackupType.FULL, null, 3, DBID,
        Instant.parse("2026-11-29T01:00:04Z"), Instant.parse("2026-11-29T01:00:52Z"), "2390415", "2390633", List.of());
    LogManifest logs = new LogManifest("logs-1", "ora", Dialect.ORACLE, 3, DBID, Instant.parse("2026-11-29T01:00:52Z"),
        Instant.parse("2026-11-29T09:35:00Z"), "2390633", "2514877", List.of());
    if (withPieces) {
      full = bucket.publish(full, List.of(write(files, "0v3a1b2c_1_1"), write(files, "controlfile_123a1b31_1_1")));
      logs = bucket.publish(logs, List.of(write(files, "1j3a2c41_1_1")));
    } else {
      full = new BackupManifest(full.id(), full.target(), full.dialect(), full.type(), null, 3, DBID, full.startTime(), full.endTime(),
          full.startPosition(), full.endPosition(), List.of(new Piece("0v3a1b2c_1_1", "k1", 10, "s1"),
              new Piece("controlfile_123a1b31_1_1", "k2", 10, "s2")));
      logs = new LogManifest(logs.id(), logs.target(), logs.dialect(), 3, DBID, logs.startTime(), logs.endTime(), logs.startPosition(),
          logs.endPosition(), List.of(new Piece("1j3a2c41_1_1", "k3", 5, "s3")));
    }
    List<Piece> pieces = new ArrayList<>(full.pieces());
    pieces.addAll(logs.pieces());
    return new RecoveryPlan("ora", Dialect.ORACLE, point, 3, DBID, List.of(full), List.of(logs), pieces,
        pieces.stream().mapToLong(Piece::size).sum(), point.time().orElse(Instant.parse("2026-11-29T09:35:00Z")), untilScn,
        "none");
  }

  static Path write(Path directory, String name) throws IOException {
    return Files.writeString(Files.createDirectories(directory.resolve(name + "-dir")).resolve(name), "bytes of " + name);
  }

  @Test
  void shouldShowTheApproverTheExactRmanScriptRestoringTheControlfileOfADestinationThatDoesNotAnswer() throws IOException {
    dictionary.destination = Optional.empty();

    List<String> actions = backups.restoreActions(target, plan(RecoveryPoint.latest(), "2514877", false));

    Path download = work.resolve("<job key>/download");
    assertThat(actions).containsExactly(
        "download 3 pieces (25 bytes) into " + download + "/<backup or log batch id>/, each checked against its SHA-256 in the manifest",
        "control file restored from backup full-1: ora does not answer (down or not open)",
        fake.resolve("rman") + " target / cmdfile=" + work.resolve("<job key>/rman/rman.cmd") + " log=" + work.resolve("<job key>/rman/rman.log"),
        "RMAN's environment: FAKE_RMAN_DIR=" + fake + " TZ=" + ZONE.getId(),
        "RMAN> # Rebound restore from " + download + " until SCN 2514877",
        "RMAN> STARTUP FORCE NOMOUNT;",
        "RMAN> SET DBID 1613387266;",
        "RMAN> RESTORE CONTROLFILE FROM '" + download + "/full-1/controlfile_123a1b31_1_1';",
        "RMAN> ALTER DATABASE MOUNT;",
        "RMAN> CATALOG START WITH '" + download + "/' NOPROMPT;",
        "RMAN> CROSSCHECK BACKUP;",
        "RMAN> CROSSCHECK ARCHIVELOG ALL;",
        "RMAN> RUN {",
        "RMAN>   ALLOCATE CHANNEL rb1 DEVICE TYPE DISK;",
        "RMAN>   ALLOCATE CHANNEL rb2 DEVICE TYPE DISK;",
        "RMAN>   SET UNTIL SCN 2514877;",
        "RMAN>   RESTORE DATABASE;",
        "RMAN>   RECOVER DATABASE;",
        "RMAN> }",
        "RMAN> ALTER DATABASE OPEN RESETLOGS;",
        "then, over JDBC, if it is a container database: ALTER PLUGGABLE DATABASE ALL OPEN",
        "check over JDBC: open READ WRITE in a new incarnation (the backups are of incarnation 3), no datafile left in V$RECOVER_FILE");
  }

  @Test
  void shouldKeepTheControlfileOfTheSameDatabaseAndIncarnationAndOpenAContainersPluggableDatabases() throws IOException {
    dictionary.destination = Optional.of(new Destination(DBID, 3, true, ZoneId.of("+01:00")));
    Target noZone = target("ora", Map.of("FAKE_RMAN_DIR", fake.toString()));

    List<String> actions = backups.restoreActions(noZone, plan(RecoveryPoint.at(Instant.parse("2026-11-29T08:00:00Z")), null, false));

    assertThat(actions).contains("control file kept: ora is database 1613387266 in incarnation 3, as the backups",
        "RMAN>   SET UNTIL TIME \"TO_DATE('2026-11-29 09:00:00', 'YYYY-MM-DD HH24:MI:SS')\";", "RMAN> ALTER DATABASE OPEN RESETLOGS;",
        "RMAN> ALTER PLUGGABLE DATABASE ALL OPEN;");
    assertThat(actions).noneMatch(action -> action.contains("CONTROLFILE FROM") || action.startsWith("then, over JDBC"));
    assertThat(actions.indexOf("RMAN> ALTER PLUGGABLE DATABASE ALL OPEN;")).isEqualTo(actions.indexOf("RMAN> ALTER DATABASE OPEN RESETLOGS;") + 1);
  }

  @Test
  void shouldTakeTheConfiguredZoneOverTheReportedOffsetAndSayWhyTheControlfileIsRestored() throws IOException {
    dictionary.destination = Optional.of(new Destination("42", 3, false, ZoneId.of("+05:00")));
    RecoveryPlan summer = plan(RecoveryPoint.at(Instant.parse("2026-07-01T08:00:00Z")), null, false);
    List<String> otherDatabase = backups.restoreActions(target, summer);
    dictionary.destination = Optional.of(new Destination(DBID, 4, false, ZoneId.of("+05:00")));
    List<String> otherIncarnation = backups.restoreActions(target, summer);

    assertThat(otherDatabase).contains("control file restored from backup full-1: ora is database 42, the backups are of 1613387266",
        "RMAN>   SET UNTIL TIME \"TO_DATE('2026-07-01 09:00:00', 'YYYY-MM-DD HH24:MI:SS')\";");
    assertThat(otherDatabase).noneMatch(action -> action.contains("PLUGGABLE"));
    assertThat(otherIncarnation).contains("control file restored from backup full-1: ora is in incarnation 4, the backups in 3");
  }

  @Test
  void shouldRefuseAPointInTimeWhenNothingSaysTheHostsZoneAndAPlanItCannotRestore() throws IOException {
    dictionary.destination = Optional.empty();
    Target noZone = target("ora", Map.of("FAKE_RMAN_DIR", fake.toString()));
    RecoveryPlan point = plan(RecoveryPoint.at(Instant.parse("2026-11-29T08:00:00Z")), null, false);

    assertThatThrownBy(() -> backups.restoreActions(noZone, point)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target ora does not answer and rebound.targets.ora.backup.environment.TZ is not set: the database host's time zone"
            + " is unknown, so the point 2026-11-29T08:00:00Z cannot be given to RMAN. Set TZ to the host's zone (e.g. Europe/Lisbon), or"
            + " restore to latest");
    assertThat(backups.restoreActions(noZone, plan(RecoveryPoint.latest(), "2514877", false))).contains("RMAN>   SET UNTIL SCN 2514877;");
    RecoveryPlan empty = new RecoveryPlan("ora", Dialect.ORACLE, RecoveryPoint.latest(), 3, DBID, List.of(), List.of(), List.of(), 0,
        Instant.EPOCH, "5", "");
    assertThatThrownBy(() -> backups.restoreActions(target, empty)).hasMessage("the plan holds no backup to restore");
    RecoveryPlan postgres = new RecoveryPlan("ora", Dialect.POSTGRESQL, RecoveryPoint.latest(), 3, DBID, point.backups(), List.of(),
        List.of(), 0, Instant.EPOCH, "0/5", "");
    assertThatThrownBy(() -> backups.restoreActions(target, postgres)).hasMessage("an Oracle restore needs a plan of Oracle backups, not of"
        + " POSTGRESQL");
    Target badZone = target("ora", Map.of("TZ", "Mars/Olympus"));
    assertThatThrownBy(() -> backups.restoreActions(badZone, point)).hasMessageContaining("backup.environment.TZ 'Mars/Olympus' is not a"
        + " time zone");
    assertThat(OraclePhysicalBackups.configuredZone(target("ora", Map.of("TZ", ":Europe/Lisbon")))).contains(ZONE);
    assertThat(OraclePhysicalBackups.configuredZone(target("ora", Map.of("TZ", " ")))).isEmpty();
  }

  @Test
  void shouldDownloadEveryPieceCheckedRunTheApprovedScriptOnceAndReportTheNewIncarnation() throws IOException {
    use("restore-latest.log", 0);
    dictionary.destination = Optional.empty();
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", true);
    String shown = String.join("\n", backups.restoreActions(target, plan));
    dictionary.restoreResult = new RestoreResult("READ WRITE", "2514877", "2515000", 4, 0);
    dictionary.container = true;
    RestoreRequest request = approved("r10-restore", plan);

    PhysicalJob<RestoredPoint> started = backups.restore(target, request);
    PhysicalJob<RestoredPoint> done = awaitDone(() -> backups.restore(target, request));

    assertThat(started.startedNow()).isTrue();
    assertThat(done.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    Path download = job("r10-restore").resolve("download");
    assertThat(download.resolve("full-1/0v3a1b2c_1_1")).hasContent("bytes of 0v3a1b2c_1_1");
    assertThat(download.resolve("full-1/controlfile_123a1b31_1_1")).hasContent("bytes of controlfile_123a1b31_1_1");
    assertThat(download.resolve("logs-1/1j3a2c41_1_1")).hasContent("bytes of 1j3a2c41_1_1");
    String script = scriptsRun().get(0);
    assertThat(scriptsRun()).hasSize(1);
    assertThat(shown.replace("<job key>", "r10-restore")).contains(script.lines().map(line -> "RMAN> " + line).toList());
    assertThat(script).contains("RESTORE CONTROLFILE FROM '" + download + "/full-1/controlfile_123a1b31_1_1';");
    assertThat(dictionary.pluggablesOpened).isEqualTo(1);
    assertThat(done.result()).isEqualTo(new RestoredPoint(4, "2514877", null, "FULL full-1 and 1 log batches restored, recovered until"
        + " SCN 2514877, opened with RESETLOGS (incarnation 4 from SCN 2514877), pluggable databases opened"));
    assertThat(backups.restore(target, request).startedNow()).isFalse();

    backups.release(target, "r10-restore");
    assertThat(download).doesNotExist();
    assertThat(backups.look(target, "r10-restore").state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
  }

  @Test
  void shouldFailARestoreWhoseDatabaseDidNotOpenAsExpectedOrWhoseRmanFailed() throws IOException {
    use("restore-latest.log", 0);
    dictionary.destination = Optional.of(new Destination(DBID, 3, false, ZONE));
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", true);
    dictionary.restoreResult = new RestoreResult("MOUNTED", "1", "2515000", 3, 2);

    RestoreRequest first = approved("r11-restore", plan);
    PhysicalJob<RestoredPoint> notOpen = awaitDone(() -> backups.restore(target, first));
    assertThat(notOpen.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(notOpen.failure()).isEqualTo("RMAN finished but the database is MOUNTED, not open READ WRITE; the database is still in"
        + " incarnation 3: OPEN RESETLOGS did not run; 2 datafile(s) still need recovery (V$RECOVER_FILE)");

    use("restore-no-log-backup.log", 1);
    RestoreRequest second = approved("r12-restore", plan);
    PhysicalJob<RestoredPoint> rmanFailed = awaitDone(() -> backups.restore(target, second));
    assertThat(rmanFailed.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(rmanFailed.failure()).startsWith("The RMAN ");
    assertThat(dictionary.pluggablesOpened).isZero();
  }

  @Test
  void shouldRunTheApprovedScriptOnARetryWhateverTheDestinationSaysAfterAFailedAttempt() throws IOException {
    // Approved while the destination was in a later incarnation (4): the control file is restored from the backup.
    dictionary.destination = Optional.of(new Destination(DBID, 4, false, ZONE));
    RecoveryPlan plan = plan(RecoveryPoint.at(Instant.parse("2026-11-29T09:00:00Z")), null, true);
    List<String> approved = backups.restoreActions(target, plan);
    assertThat(approved).anySatisfy(line -> assertThat(line).startsWith("RMAN> RESTORE CONTROLFILE FROM"));
    use("restore-no-log-backup.log", 1);
    PhysicalJob<RestoredPoint> failed = awaitDone(() -> backups.restore(target, new RestoreRequest("r15-restore", plan, approved)));
    assertThat(failed.state()).isEqualTo(PhysicalJob.State.FAILED);
    backups.discard(target, "r15-restore");

    // The failed attempt restored the control file: the destination now says incarnation 3, then does not answer at all.
    dictionary.destination = Optional.of(new Destination(DBID, 3, false, ZONE));
    assertThat(backups.restoreActions(target, plan)).isNotEqualTo(approved).anySatisfy(line -> assertThat(line).startsWith("control file kept"));
    assertThat(backups.commandsNoLongerApproved(target, plan, approved)).isEmpty();
    dictionary.destination = Optional.empty();
    assertThat(backups.commandsNoLongerApproved(target, plan, approved)).isEmpty();
    use("restore-latest.log", 0);
    dictionary.restoreResult = new RestoreResult("READ WRITE", "2514000", "2515000", 4, 0);
    PhysicalJob<RestoredPoint> retried = awaitDone(() -> backups.restore(target, new RestoreRequest("r15-restore", plan, approved)));

    assertThat(retried.state()).as(retried.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    List<String> scripts = scriptsRun();
    assertThat(scripts).hasSize(2);
    String approvedScript = approved.stream().filter(line -> line.startsWith("RMAN> "))
        .map(line -> line.substring(6).replace("<job key>", "r15-restore")).collect(Collectors.joining("\n", "", "\n"));
    assertThat(scripts).allSatisfy(script -> assertThat(script).isEqualTo(approvedScript));
    assertThat(scripts.get(1)).contains("RESTORE CONTROLFILE FROM '" + job("r15-restore").resolve("download") + "/full-1/controlfile_");
  }

  @Test
  void shouldStartNoRestoreWithoutAnApprovedScript() throws IOException {
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", true);
    List<String> withoutScript = backups.restoreActions(target, plan).stream().filter(line -> !line.startsWith("RMAN> ")).toList();

    for (RestoreRequest request : List.of(new RestoreRequest("r16-restore", plan), new RestoreRequest("r16-restore", plan, withoutScript))) {
      assertThatThrownBy(() -> backups.restore(target, request)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("an Oracle restore runs the RMAN script its approver read, and the request for job r16-restore carries none:"
              + " nothing was started");
    }
    assertThat(job("r16-restore")).doesNotExist();
    assertThat(scriptsRun()).isEmpty();
  }

  @Test
  void shouldSayWhatNoLongerHoldsOfTheApprovedCommands() throws IOException {
    dictionary.destination = Optional.of(new Destination(DBID, 3, false, ZONE));
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", false);
    List<String> approved = backups.restoreActions(target, plan);
    assertThat(backups.commandsNoLongerApproved(target, plan, approved)).isEmpty();

    List<String> noScript = approved.stream().filter(line -> !line.startsWith("RMAN> ")).toList();
    assertThat(backups.commandsNoLongerApproved(target, plan, noScript)).contains("the approved commands hold no RMAN script");
    // Another RMAN program configured since the approval: the invocation approved is not the one that would run.
    Target moved = target("ora", Map.of("ORACLE_SID", "ORCL"));
    TargetProperties.Backup other = new TargetProperties.Backup(null, null, null, null, null, work, null, null, null,
        List.of(fake.resolve("rman-other").toString(), "target", "/"), Map.of(), null);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), root.resolve("node"), null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE", "system", null, null, null,
        null, null, 2, Map.of(), Map.of(), null, null, null, null, null, null, other));
    assertThat(backups.commandsNoLongerApproved(targets.get("ora"), plan, approved)).hasValueSatisfying(why -> assertThat(why)
        .startsWith("the settings of ora give other commands than those approved: ").contains("rman-other")
        .contains("RMAN's environment: none configured, RMAN inherits the node's"));
    // Another database named by the environment: RMAN would connect to it.
    assertThat(backups.commandsNoLongerApproved(moved, plan, approved)).hasValueSatisfying(why -> assertThat(why)
        .contains("RMAN's environment: ORACLE_SID=ORCL"));
    // The default of a layer that derives its commands: line for line.
    PhysicalBackups derived = new PhysicalBackupsOf(backups);
    assertThat(derived.commandsNoLongerApproved(target, plan, approved)).isEmpty();
    List<String> reordered = new ArrayList<>(approved);
    java.util.Collections.swap(reordered, 0, 1);
    assertThat(derived.commandsNoLongerApproved(target, plan, reordered)).contains("the commands it gives now differ from those approved:"
        + " the same lines in another order");
    assertThat(derived.commandsNoLongerApproved(target, plan, noScript)).hasValueSatisfying(why -> assertThat(why)
        .contains("\n+ RMAN> ").doesNotContain("\n- "));
  }

  @Test
  void shouldLeaveADestinationThatDoesNotAnswerAfterRmanToTheVerifyStep() throws IOException {
    use("restore-latest.log", 0);
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", true);
    dictionary.restoreResult = null;

    RestoreRequest request = approved("r13-restore", plan);
    PhysicalJob<RestoredPoint> done = awaitDone(() -> backups.restore(target, request));

    assertThat(done.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(done.result().summary()).isEqualTo("FULL full-1 and 1 log batches restored, recovered until SCN 2514877, opened with"
        + " RESETLOGS; its state could not be read here (IO Error: connection refused)");
  }

  @Test
  void shouldRefuseAPieceWhoseBytesAreNotThoseOfItsManifest() throws IOException {
    RecoveryPlan plan = plan(RecoveryPoint.latest(), "2514877", true);
    Piece piece = plan.backups().get(0).pieces().get(0);
    store.upload(Files.writeString(root.resolve(piece.name()), "other bytes"), piece.key());

    RestoreRequest request = approved("r14-restore", plan);
    PhysicalJob<RestoredPoint> job = awaitDone(() -> backups.restore(target, request));

    assertThat(job.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(job.failure()).contains(piece.key());
    assertThat(scriptsRun()).isEmpty();
  }

  /** A layer that keeps the interface's own comparison of approved commands, over the Oracle layer's commands. */
  record PhysicalBackupsOf(OraclePhysicalBackups layer) implements PhysicalBackups {
    @Override
    public Dialect dialect() {
      return layer.dialect();
    }

    @Override
    public PhysicalJob<TakenBackup> backup(Target target, BackupRequest request) {
      return layer.backup(target, request);
    }

    @Override
    public PhysicalJob<CollectedLogs> collectLogs(Target target, LogRequest request) {
      return layer.collectLogs(target, request);
    }

    @Override
    public List<String> restoreActions(Target destination, RecoveryPlan plan) {
      return layer.restoreActions(destination, plan);
    }

    @Override
    public PhysicalJob<RestoredPoint> restore(Target destination, RestoreRequest request) {
      return layer.restore(destination, request);
    }

    @Override
    public PhysicalJob<Void> look(Target target, String jobKey) {
      return layer.look(target, jobKey);
    }

    @Override
    public PhysicalJob<TakenBackup> lookAtBackup(Target target, String jobKey) {
      return layer.lookAtBackup(target, jobKey);
    }

    @Override
    public PhysicalJob<RestoredPoint> lookAtRestore(Target destination, String jobKey) {
      return layer.lookAtRestore(destination, jobKey);
    }

    @Override
    public void release(Target target, String jobKey) {
      layer.release(target, jobKey);
    }

    @Override
    public void discard(Target target, String jobKey) {
      layer.discard(target, jobKey);
    }

    @Override
    public List<String> pruneLocalLogs(Target target, List<LogManifest> shipped, Instant now) {
      return layer.pruneLocalLogs(target, shipped, now);
    }
  }

  /** The request of a restore whose approver read the commands the layer gives now. */
  RestoreRequest approved(String jobKey, RecoveryPlan plan) {
    return new RestoreRequest(jobKey, plan, backups.restoreActions(target, plan));
  }

  /** The dictionary of database ORCL (DBID 1613387266, incarnation 3) as the queries would read it. */
  static final class FakeDictionary implements OracleDictionary {
    static final DatabaseIdentity IDENTITY = new DatabaseIdentity(DBID, "ORCL", "2390411", "ARCHIVELOG", 3, ZONE, true);

    final Map<String, List<PieceRow>> pieces = new HashMap<>();
    final List<String> rangeAsked = new CopyOnWriteArrayList<>();
    final List<String> foreignAsked = new CopyOnWriteArrayList<>();
    final List<String> logsAskedFrom = new CopyOnWriteArrayList<>();
    final List<Instant> completedBeforeAsked = new CopyOnWriteArrayList<>();
    volatile List<String> foreign = List.of();
    volatile List<ArchivedLog> logs = List.of();
    volatile Set<Integer> threads = Set.of(1);
    volatile Optional<Destination> destination = Optional.empty();
    volatile RestoreResult restoreResult;
    volatile boolean container;
    volatile int switches;
    volatile int pluggablesOpened;

    @Override
    public DatabaseIdentity identity(Target target, Optional<ZoneId> zone) {
      return new DatabaseIdentity(IDENTITY.dbid(), IDENTITY.name(), IDENTITY.currentScn(), IDENTITY.logMode(), IDENTITY.incarnation(),
          zone.orElse(ZoneId.of("+00:00")), true);
    }

    @Override
    public List<String> foreignIncrementals(Target target, String parentTag, String ownTag) {
      foreignAsked.add(parentTag + "/" + ownTag);
      return foreign;
    }

    @Override
    public List<PieceRow> pieces(Target target, String tag, ZoneId zone) {
      return pieces.getOrDefault(tag, List.of());
    }

    @Override
    public BackupRange range(Target target, String tag, String fromScn) {
      rangeAsked.add(tag + " from " + fromScn);
      return new BackupRange("2390415", "2390633", "2026-11-29 01:00:04", "2026-11-29 01:00:52", 4);
    }

    @Override
    public void switchLogs(Target target) {
      switches++;
    }

    @Override
    public Set<Integer> openThreads(Target target) {
      return threads;
    }

    @Override
    public List<ArchivedLog> logsToShip(Target target, String fromScn) {
      logsAskedFrom.add(fromScn);
      return logs.stream().filter(log -> Long.parseLong(log.nextScn()) > Long.parseLong(fromScn)).toList();
    }

    @Override
    public List<ArchivedLog> logsCompletedBefore(Target target, Instant before, ZoneId zone) {
      completedBeforeAsked.add(before);
      return logs.stream().filter(log -> OracleManifests.instant(log.completionTime(), zone).isBefore(before)).toList();
    }

    @Override
    public Optional<Destination> destination(Target target) {
      return destination;
    }

    @Override
    public RestoreResult restoreResult(Target target) throws SQLException {
      if (restoreResult == null) {
        throw new SQLException("IO Error: connection refused");
      }
      return restoreResult;
    }

    @Override
    public boolean openPluggableDatabases(Target target) {
      if (container) {
        pluggablesOpened++;
      }
      return container;
    }
  }
}
