package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.oracle.OracleBackupQueries.RestoreResult;
import io.rebound.backup.oracle.OracleManifests.DatabaseIdentity;
import io.rebound.backup.oracle.OracleManifests.LogBatch;
import io.rebound.backup.oracle.OracleManifests.LogKey;
import io.rebound.backup.oracle.RmanScripts.ArchivelogDeletion;
import io.rebound.backup.oracle.RmanScripts.Backup;
import io.rebound.backup.oracle.RmanScripts.LogShipment;
import io.rebound.backup.oracle.RmanScripts.Restore;
import io.rebound.backup.oracle.RmanScripts.SequenceRange;
import io.rebound.backup.oracle.RmanScripts.UntilScn;
import java.math.BigInteger;
import java.nio.file.Path;
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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oracle.OracleContainer;

/**
 * The RMAN scripts, log reader, queries and manifests against a real Oracle (Free 23ai) in a container: a level 0
 * and a level 1 backup, a batch of archived logs shipped, the shipped local logs deleted, then the database restored
 * from copies of the pieces in another directory (the work directory removed, as after an upload) to an SCN between
 * the level 1 and the batch's end. Needs Docker; skipped where there is none.
 *
 * <p>Oracle Free starts in NOARCHIVELOG mode. {@link #enableArchivelog} puts it in ARCHIVELOG mode the way a DBA
 * would: a fast recovery area for the archived logs ({@code DB_RECOVERY_FILE_DEST_SIZE}, then
 * {@code DB_RECOVERY_FILE_DEST}), {@code SHUTDOWN IMMEDIATE}, {@code STARTUP MOUNT}, {@code ALTER DATABASE ARCHIVELOG},
 * {@code ALTER DATABASE OPEN}, and the pluggable databases opened again. RMAN runs inside the container as its
 * {@code oracle} user with operating system authentication ({@code rman target /}), as Rebound runs it on a
 * database host.
 */
@Testcontainers(disabledWithoutDocker = true)
class RmanBackupRestoreIT {

  static final Path WORK = Path.of("/opt/oracle/rebound-work");
  static final Path DOWNLOADS = Path.of("/opt/oracle/rebound-restore");
  static final Path JOBS = Path.of("/opt/oracle/rebound-jobs");

  @Container
  static final OracleContainer oracle = new OracleContainer("gvenzl/oracle-free:23-faststart")
      .withStartupTimeout(Duration.ofMinutes(10));

  @BeforeAll
  static void enableArchivelog() throws Exception {
    ExecResult result = oracle.execInContainer("bash", "-c", String.join("\n",
        "mkdir -p /opt/oracle/oradata/fra " + WORK + " " + DOWNLOADS + " " + JOBS,
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
  }

  @Test
  void shouldBackUpLevel0AndLevel1ShipLogsAndRestoreToAnScnBetweenThem() throws Exception {
    try (Connection pdb = pdb()) {
      execute(pdb, "CREATE TABLE SYSTEM.RB_IT (ID NUMBER PRIMARY KEY)");
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }
    DatabaseIdentity identity;
    try (Connection root = root()) {
      identity = OracleBackupQueries.identity(root, Optional.empty());
    }
    assertThat(identity.logMode()).isEqualTo("ARCHIVELOG");

    BackupManifest full = backup("itfull", BackupType.FULL, null, identity);
    try (Connection pdb = pdb()) {
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT 10 + LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }
    try (Connection root = root()) {
      assertThat(OracleBackupQueries.foreignIncrementals(root, RmanScripts.tag("itfull"), RmanScripts.tag("itincr"))).isEmpty();
    }
    BackupManifest incremental = backup("itincr", BackupType.INCREMENTAL, "itfull", identity);
    assertThat(new BigInteger(incremental.startPosition())).isGreaterThan(new BigInteger(full.endPosition()));

    String between;
    try (Connection root = root()) {
      between = OracleBackupQueries.identity(root, Optional.empty()).currentScn();
    }
    try (Connection pdb = pdb()) {
      execute(pdb, "INSERT INTO SYSTEM.RB_IT SELECT 20 + LEVEL FROM dual CONNECT BY LEVEL <= 10");
      execute(pdb, "COMMIT");
    }

    LogManifest batch;
    List<OracleManifests.ArchivedLog> shippedLogs;
    try (Connection root = root()) {
      OracleBackupQueries.switchLogs(root);
      Set<Integer> threads = OracleBackupQueries.openThreads(root);
      shippedLogs = OracleBackupQueries.logsToShip(root, incremental.startPosition());
      LogBatch logs = OracleManifests.batch(shippedLogs, threads, incremental.startPosition(), identity.zone());
      mkdir(RmanScripts.pieceDirectory(WORK, "itlogs"));
      RmanLog shipped = rman("itlogs", RmanScripts.shipLogs(new LogShipment("itlogs", WORK, 1, logs.sequences())));
      assertThat(shipped.handlesTagged(RmanScripts.tag("itlogs"))).isNotEmpty();
      batch = OracleManifests.logs("itlogs", "free", identity, logs, pieces(root, "itlogs", identity));
    }
    assertThat(new BigInteger(batch.endPosition())).isGreaterThan(new BigInteger(between));

    // The local retention, with the shipped logs counted as in S3 and a limit in the future: RMAN deletes exactly those.
    try (Connection root = root()) {
      Instant limit = Instant.now().plus(Duration.ofMinutes(5));
      Set<LogKey> inS3 = shippedLogs.stream().map(log -> new LogKey(log.thread(), log.sequence())).collect(Collectors.toSet());
      List<SequenceRange> deletable = OracleManifests.deletable(OracleBackupQueries.logsCompletedBefore(root, limit, identity.zone()), inS3,
          limit, identity.zone());
      assertThat(deletable).isNotEmpty();
      RmanLog deleted = rman("itdelete", RmanScripts.deleteArchivelogs(new ArchivelogDeletion(deletable, limit, identity.zone())));
      assertThat(deleted.deletedObjects()).isPositive();
    }

    // As after an upload and a download: the pieces elsewhere, the work directory gone.
    exec("cp -r " + WORK + "/. " + DOWNLOADS + "/ && rm -rf " + WORK);
    String controlfile = incremental.pieces().stream().map(Piece::name).filter(name -> name.startsWith(RmanScripts.CONTROLFILE_PREFIX))
        .findFirst().orElseThrow();
    RmanLog restored = rman("itrestore", RmanScripts.restore(new Restore(DOWNLOADS,
        Optional.of(DOWNLOADS.resolve("itincr").resolve(controlfile)), Optional.empty(), new UntilScn(between), 1, identity.dbid())));
    assertThat(restored.succeeded()).isTrue();
    exec("sqlplus -s / as sysdba <<'SQL'\nALTER PLUGGABLE DATABASE ALL OPEN;\nSQL");

    try (Connection root = root()) {
      RestoreResult result = OracleBackupQueries.restoreResult(root);
      assertThat(result.problems(identity.incarnation())).isEmpty();
    }
    try (Connection pdb = pdb(); Statement statement = pdb.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*), MAX(ID) FROM SYSTEM.RB_IT")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(20);
      assertThat(rows.getLong(2)).isEqualTo(20);
    }
  }

  private BackupManifest backup(String id, BackupType type, String parent, DatabaseIdentity identity) throws Exception {
    String fromScn;
    try (Connection root = root()) {
      fromScn = OracleBackupQueries.identity(root, Optional.empty()).currentScn();
    }
    mkdir(RmanScripts.pieceDirectory(WORK, id));
    RmanLog log = rman(id, RmanScripts.backup(new Backup(id, type, WORK, 1, RmanScripts.DEFAULT_SECTION_SIZE_MEGABYTES, fromScn,
        identity.spfile())));
    assertThat(log.handlesTagged(RmanScripts.tag(id))).anyMatch(handle -> handle.contains("/" + RmanScripts.CONTROLFILE_PREFIX));
    try (Connection root = root()) {
      List<Piece> pieces = pieces(root, id, identity);
      assertThat(pieces).extracting(Piece::name).containsExactlyInAnyOrderElementsOf(log.handlesTagged(RmanScripts.tag(id)).stream()
          .map(handle -> Path.of(handle).getFileName().toString()).toList());
      return OracleManifests.backup(id, "free", type, parent, identity, OracleBackupQueries.range(root, RmanScripts.tag(id), fromScn), pieces);
    }
  }

  private static List<Piece> pieces(Connection root, String id, DatabaseIdentity identity) throws SQLException {
    List<Piece> pieces = new ArrayList<>();
    for (OracleBackupQueries.PieceRow row : OracleBackupQueries.pieces(root, RmanScripts.tag(id), identity.zone())) {
      String name = Path.of(row.handle()).getFileName().toString();
      pieces.add(new Piece(name, "backups/free/" + id + "/" + name, row.bytes(), "unchecked-here"));
    }
    return pieces;
  }

  /** Runs a script the way Rebound does (command line and environment from {@link RmanInvocation}), inside the container. */
  private static RmanLog rman(String job, String script) throws Exception {
    Path directory = JOBS.resolve(job);
    mkdir(directory);
    RmanInvocation.Invocation invocation = RmanInvocation.of(null, Map.of(), directory, script);
    oracle.copyFileToContainer(Transferable.of(script, 0644), directory.resolve(RmanInvocation.COMMAND_FILE).toString());
    List<String> command = new ArrayList<>(List.of("env"));
    invocation.environment().forEach((name, value) -> command.add(name + "=" + value));
    command.addAll(invocation.command());
    ExecResult run = oracle.execInContainer(command.toArray(String[]::new));
    String log = oracle.execInContainer("cat", directory.resolve(RmanInvocation.LOG_FILE).toString()).getStdout();
    RmanLog parsed = RmanLog.parse(log.lines().toList());
    assertThat(parsed.succeeded()).as(script + "\n" + log + run.getStdout() + run.getStderr()).isTrue();
    assertThat(run.getExitCode()).as(log).isZero();
    return parsed;
  }

  private static void mkdir(Path directory) throws Exception {
    exec("mkdir -p " + directory);
  }

  private static void exec(String shell) throws Exception {
    ExecResult result = oracle.execInContainer("bash", "-c", shell);
    assertThat(result.getExitCode()).as(shell + "\n" + result.getStdout() + result.getStderr()).isZero();
  }

  private static Connection root() throws SQLException {
    return DriverManager.getConnection("jdbc:oracle:thin:@" + oracle.getHost() + ":" + oracle.getOraclePort() + "/FREE", "system",
        oracle.getPassword());
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
