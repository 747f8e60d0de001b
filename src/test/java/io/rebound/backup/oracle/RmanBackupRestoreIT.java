package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupRequest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.CollectedLogs;
import io.rebound.backup.LogManifest;
import io.rebound.backup.LogRequest;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.Piece;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoreRequest;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.TakenBackup;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
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
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oracle.OracleContainer;

/**
 * The Oracle physical layer end to end against a real Oracle (Free 23ai) in a container, as the runbooks drive it: a
 * FULL and an INCREMENTAL taken and published to an S3 server, archived logs collected and published as a batch, the
 * work directory released, the shipped local logs pruned, then the database restored from the bucket to an SCN
 * between the INCREMENTAL and the batch's end. Needs Docker and its command line; skipped where there is none.
 *
 * <p>Oracle Free starts in NOARCHIVELOG mode. {@link #enableArchivelog} puts it in ARCHIVELOG mode the way a DBA
 * would: a fast recovery area for the archived logs, {@code SHUTDOWN IMMEDIATE}, {@code STARTUP MOUNT},
 * {@code ALTER DATABASE ARCHIVELOG}, {@code ALTER DATABASE OPEN}, and the pluggable databases opened again. The work
 * directory is the same path in the container and here, as on a database host with a shared work directory; RMAN runs
 * in the container as its {@code oracle} user with operating system authentication ({@code rman target /}), through a
 * {@code rman-command} that calls {@code docker exec}.
 */
@Testcontainers(disabledWithoutDocker = true)
class RmanBackupRestoreIT {

  static final Path WORK = sharedDirectory();

  @Container
  static final OracleContainer oracle = new OracleContainer("gvenzl/oracle-free:23-faststart")
      .withFileSystemBind(WORK.toString(), WORK.toString(), BindMode.READ_WRITE)
      .withStartupTimeout(Duration.ofMinutes(10));

  static S3Server s3;
  static ObjectStore store;
  static Target target;
  static OraclePhysicalBackups layer;
  static final DetachedWorkers workers = new DetachedWorkers();

  static Path sharedDirectory() {
    try {
      Path directory = Files.createTempDirectory("rebound-oracle-it").toRealPath();
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void enableArchivelog() throws Exception {
    Assumptions.assumeTrue(dockerCommandLine(), "the docker command line runs RMAN in the container");
    ExecResult result = oracle.execInContainer("bash", "-c", String.join("\n",
        "mkdir -p /opt/oracle/oradata/fra",
        "sqlplus -s / as sysdba <<'SQL'",
        "WHENEVER SQLERROR EXIT FAILURE",
        "ALTER SYSTEM SET DB_RECOVERY_FILE_DEST_SIZE = 20G SCOPE = BOTH;",
        "ALTER SYSTEM SET DB_RECOVERY_FILE_DEST = '/opt/oracle/oradata/fra' SCOPE = BOTH;",
        "SHUTDOWN IMMEDIATE",
        "STARTUP MOUNT",
        "ALTER DATABASE ARCHIVELOG;",
        "ALTER DATABASE OPEN;",
        "ALTER PLUGGABLE DATABASE ALL OPEN;",
        "SQL"));
    assertThat(result.getExitCode()).as(result.getStdout() + result.getStderr()).isZero();

    Path rman = WORK.resolve("rman-in-container");
    Files.writeString(rman, String.join("\n",
        "#!/bin/sh",
        "# RMAN of the container, as its oracle user; what either side writes in the work directory stays readable by both.",
        "docker exec -u root " + oracle.getContainerId() + " chmod -R a+rwX " + WORK,
        "docker exec -u oracle -e NLS_LANG -e NLS_DATE_FORMAT " + oracle.getContainerId() + " rman \"$@\"",
        "code=$?",
        "docker exec -u root " + oracle.getContainerId() + " chmod -R a+rwX " + WORK,
        "exit $code",
        ""));
    rman.toFile().setExecutable(true);

    s3 = S3Server.start();
    store = s3.store("oracle-it", TransferSettings.DEFAULT);
    TargetProperties.Backup backup = new TargetProperties.Backup(null, null, null, null, null, WORK.resolve("backup"), null, null, null,
        List.of(rman.toString(), "target", "/"), Map.of(), null);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), WORK.resolve("node"), null));
    targets.register("free", new TargetProperties(Dialect.ORACLE, rootUrl(), "system", oracle.getPassword(), null, null, null, null, 1,
        Map.of(), Map.of(), null, null, null, null, null, null, backup));
    target = targets.get("free");
    layer = new OraclePhysicalBackups(WORK.resolve("node"), new DetachedJobs(new JobHost("it", "", Duration.ofSeconds(1),
        Duration.ofMinutes(2)), workers), () -> store, new JdbcOracleDictionary(), Duration.ofSeconds(1));
  }

  @AfterAll
  static void stopS3() throws Exception {
    workers.close();
    if (s3 != null) {
      s3.close();
    }
  }

  static boolean dockerCommandLine() {
    try {
      return new ProcessBuilder("docker", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void shouldBackUpShipPruneAndRestoreToAnScnBetweenTheIncrementalAndTheBatchEnd() throws Exception {
    try (Connection pdb = pdb()) {
      execute(pdb, "CREATE TABLE SYSTEM.RB_IT (ID NUMBER PRIMARY KEY)");
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }
    DatabaseIdentity identity;
    try (Connection root = root()) {
      identity = OracleBackupQueries.identity(root, Optional.empty());
    }
    BackupStore bucket = new BackupStore(store);

    BackupRequest fullRequest = new BackupRequest("itfull-backup", "itfull", BackupType.FULL, null);
    TakenBackup fullTaken = taken(() -> layer.backup(target, fullRequest));
    BackupManifest full = bucket.publish(fullTaken.manifest(), fullTaken.files());
    assertThat(full.pieces()).anyMatch(piece -> piece.name().startsWith(RmanScripts.CONTROLFILE_PREFIX));
    try (Connection pdb = pdb()) {
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT 10 + LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }
    BackupRequest incrementalRequest = new BackupRequest("itincr-backup", "itincr", BackupType.INCREMENTAL, full);
    TakenBackup incrementalTaken = taken(() -> layer.backup(target, incrementalRequest));
    BackupManifest incremental = bucket.publish(incrementalTaken.manifest(), incrementalTaken.files());
    assertThat(new BigInteger(incremental.startPosition())).isGreaterThan(new BigInteger(full.endPosition()));

    String between;
    try (Connection root = root()) {
      between = OracleBackupQueries.identity(root, Optional.empty()).currentScn();
    }
    try (Connection pdb = pdb()) {
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT 20 + LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }

    LogRequest logRequest = new LogRequest("itlogs-ship", "itlogs", List.of());
    PhysicalJob<CollectedLogs> collected = done(() -> layer.collectLogs(target, logRequest));
    assertThat(collected.state()).as(collected.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    LogManifest batch = bucket.publish(collected.result().batch().orElseThrow(), collected.result().files());
    assertThat(new BigInteger(batch.endPosition())).isGreaterThan(new BigInteger(between));

    for (String job : List.of("itfull-backup", "itincr-backup", "itlogs-ship")) {
      layer.release(target, job);
    }
    // With the shipped batch in the catalog and a clock two days on, the local retention deletes exactly its logs.
    List<String> pruned = layer.pruneLocalLogs(target, List.of(batch), Instant.now().plus(Duration.ofDays(2)));
    assertThat(pruned).isNotEmpty();

    List<Piece> pieces = new ArrayList<>(full.pieces());
    pieces.addAll(incremental.pieces());
    pieces.addAll(batch.pieces());
    RecoveryPlan plan = new RecoveryPlan("free", Dialect.ORACLE, RecoveryPoint.latest(), identity.incarnation(), identity.dbid(),
        List.of(full, incremental), List.of(batch), pieces, pieces.stream().mapToLong(Piece::size).sum(), batch.endTime(), between,
        "none");
    List<String> approved = layer.restoreActions(target, plan);
    assertThat(approved).contains("RMAN>   SET UNTIL SCN " + between + ";", "RMAN> ALTER DATABASE OPEN RESETLOGS;");
    RestoreRequest request = new RestoreRequest("itrestore", plan, approved);
    PhysicalJob<RestoredPoint> restored = done(() -> layer.restore(target, request));
    assertThat(restored.state()).as(restored.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);

    await().atMost(Duration.ofMinutes(2)).ignoreExceptions().untilAsserted(() -> {
      try (Connection root = root()) {
        RestoreResult result = OracleBackupQueries.restoreResult(root);
        assertThat(result.problems(identity.incarnation())).isEmpty();
      }
    });
    await().atMost(Duration.ofMinutes(2)).ignoreExceptions().untilAsserted(() -> {
      try (Connection pdb = pdb(); Statement statement = pdb.createStatement();
          ResultSet rows = statement.executeQuery("SELECT COUNT(*), MAX(ID) FROM SYSTEM.RB_IT")) {
        rows.next();
        assertThat(rows.getLong(1)).isEqualTo(20);
        assertThat(rows.getLong(2)).isEqualTo(20);
      }
    });
  }

  private static TakenBackup taken(Supplier<PhysicalJob<TakenBackup>> call) {
    PhysicalJob<TakenBackup> job = done(call);
    assertThat(job.state()).as(job.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    return job.result();
  }

  private static <T> PhysicalJob<T> done(Supplier<PhysicalJob<T>> call) {
    return await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2)).until(call::get, PhysicalJob::isDone);
  }

  private static String rootUrl() {
    return "jdbc:oracle:thin:@" + oracle.getHost() + ":" + oracle.getOraclePort() + "/FREE";
  }

  private static Connection root() throws SQLException {
    return DriverManager.getConnection(rootUrl(), "system", oracle.getPassword());
  }

  private static Connection pdb() throws SQLException {
    return DriverManager.getConnection(oracle.getJdbcUrl(), "system", oracle.getPassword());
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
