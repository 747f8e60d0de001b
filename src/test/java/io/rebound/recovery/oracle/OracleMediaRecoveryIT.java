package io.rebound.recovery.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.storage.S3Server;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.oracle.OracleContainer;

/**
 * The database recovery of a real Oracle (Free 23ai) through the runbook over HTTP: a scratch tablespace with rows in it,
 * a FULL backup and a shipment of logs through the backup runbook, more rows committed, then its datafile deleted and the
 * instance restarted ({@code SHUTDOWN ABORT}, {@code STARTUP}), so that the open fails on it with ORA-01157 and the
 * database stays mounted. The recovery is requested, approved by another person, restores the datafile from the bucket,
 * recovers it completely and opens the database; its verify finds nothing in V$RECOVER_FILE, and every committed row is
 * back. Needs Docker and its command line; skipped where there is none.
 *
 * <p>As in {@code RmanBackupRestoreIT}: ARCHIVELOG mode is switched on the way a DBA would, the work directory is the same
 * path in the container and here, and RMAN runs in the container as its {@code oracle} user through a
 * {@code rman-command} that calls {@code docker exec}. The scratch tablespace's datafile lies in that shared directory
 * too, so that Rebound sees its directory as a process on the database host would, and the triage finds its place
 * usable. The session is {@code SYS AS SYSDBA} on the root: a mounted database answers no one else.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = io.rebound.ReboundApplication.class)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OracleMediaRecoveryIT {

  static final String TARGET = "free";
  static final String PW = TestUsers.PASSWORD;
  static final Path WORK = sharedDirectory();
  static final String DATAFILE = WORK.resolve("oradata").resolve("rb_scratch01.dbf").toString();

  @Container
  static final OracleContainer oracle = new OracleContainer("gvenzl/oracle-free:23-faststart")
      .withFileSystemBind(WORK.toString(), WORK.toString(), BindMode.READ_WRITE)
      .withStartupTimeout(Duration.ofMinutes(10));

  static PostgresServers servers;
  static S3Server s3;

  static Path sharedDirectory() {
    try {
      Path directory = Files.createTempDirectory("rebound-oracle-recovery-it").toRealPath();
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    servers = new PostgresServers();
    s3 = S3Server.start();
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.storage.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("rebound.storage.s3.region", () -> "us-east-1");
    registry.add("rebound.storage.s3.bucket", () -> S3Server.BUCKET);
    registry.add("rebound.storage.s3.prefix", () -> "oracle-recovery-it");
    registry.add("rebound.storage.s3.path-style-access", () -> "true");
    registry.add("rebound.storage.s3.access-key-id", () -> S3Server.ACCESS_KEY);
    registry.add("rebound.storage.s3.secret-access-key", () -> S3Server.SECRET_KEY);
    registry.add("rebound.steps.retry-cycle", () -> "R3/PT5S");
    registry.add("rebound.targets." + TARGET + ".dialect", () -> "oracle");
    registry.add("rebound.targets." + TARGET + ".url", OracleMediaRecoveryIT::rootUrl);
    registry.add("rebound.targets." + TARGET + ".username", () -> "sys as sysdba");
    registry.add("rebound.targets." + TARGET + ".password", oracle::getPassword);
    registry.add("rebound.targets." + TARGET + ".parallelism", () -> "1");
    registry.add("rebound.targets." + TARGET + ".backup.work-directory", () -> WORK.resolve("backup").toString());
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[0]", () -> WORK.resolve("rman-in-container").toString());
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[1]", () -> "target");
    registry.add("rebound.targets." + TARGET + ".backup.rman-command[2]", () -> "/");
    registry.add("rebound.targets." + TARGET + ".backup.environment.TZ", () -> "UTC");
  }

  @BeforeAll
  static void enableArchivelogAndCreateTheScratchTablespace() throws Exception {
    Assumptions.assumeTrue(RmanInContainer.dockerCommandLine(), "the docker command line runs RMAN in the container");
    sqlplus("mkdir -p /opt/oracle/oradata/fra " + WORK.resolve("oradata"),
        "ALTER SYSTEM SET DB_RECOVERY_FILE_DEST_SIZE = 20G SCOPE = BOTH;",
        "ALTER SYSTEM SET DB_RECOVERY_FILE_DEST = '/opt/oracle/oradata/fra' SCOPE = BOTH;",
        "SHUTDOWN IMMEDIATE",
        "STARTUP MOUNT",
        "ALTER DATABASE ARCHIVELOG;",
        "ALTER DATABASE OPEN;",
        "ALTER PLUGGABLE DATABASE ALL OPEN;",
        "ALTER PLUGGABLE DATABASE ALL SAVE STATE;",
        "CREATE TABLESPACE RB_SCRATCH DATAFILE '" + DATAFILE + "' SIZE 20M;",
        "CREATE TABLE SYSTEM.RB_SCRATCH_ROWS (ID NUMBER PRIMARY KEY) TABLESPACE RB_SCRATCH;",
        "INSERT INTO SYSTEM.RB_SCRATCH_ROWS SELECT LEVEL FROM dual CONNECT BY LEVEL <= 100;",
        "COMMIT;");
    RmanInContainer.write(WORK.resolve("rman-in-container"), oracle.getContainerId(), WORK);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @Test
  void shouldRestoreAndRecoverADeletedDatafileOfAScratchTablespaceThroughTheRunbook() throws Exception {
    TestUsers.create(identity);
    Http http = new Http(port);
    backup(http, "FULL");
    try (Connection root = root()) {
      execute(root, "INSERT INTO SYSTEM.RB_SCRATCH_ROWS SELECT 100 + LEVEL FROM dual CONNECT BY LEVEL <= 50");
      execute(root, "COMMIT");
    }
    backup(http, "LOGS");
    try (Connection root = root()) {
      execute(root, "INSERT INTO SYSTEM.RB_SCRATCH_ROWS SELECT 150 + LEVEL FROM dual CONNECT BY LEVEL <= 50");
      execute(root, "COMMIT");
    }

    ExecResult removed = oracle.execInContainer("rm", "-f", DATAFILE);
    assertThat(removed.getExitCode()).as(removed.getStderr()).isZero();
    ExecResult restarted = oracle.execInContainer("bash", "-c", "sqlplus -s / as sysdba <<'SQL'\nSHUTDOWN ABORT\nSTARTUP\nSQL");
    assertThat(restarted.getStdout()).contains("ORA-01157");

    Http.Answer started = http.post("/api/database-recoveries", TestUsers.OPERATOR, PW, Map.of("target", TARGET));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL", Duration.ofMinutes(3));
    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    assertThat(plan).contains("RECOVER free (ORACLE): RESTORE_TABLESPACE, complete recovery", "DATA LOSS\nnone", DATAFILE,
        "tablespace RB_SCRATCH", "ORA-01157", "RMAN> ALTER DATABASE OPEN;", "NOPROMPT;", "RMAN> RESTORE DATAFILE ")
        .doesNotContain(oracle.getPassword());

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "scratch datafile lost; restore and recover it"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    awaitState(http, id, "COMPLETED", Duration.ofMinutes(20));

    assertThat(Runs.event(http, id, "STEP_FINISHED", "verify").get("outcome").asText()).contains("RESTORE_TABLESPACE, data loss none",
        "free is open, no file affected");
    try (Connection root = root(); Statement statement = root.createStatement();
        ResultSet rows = statement.executeQuery("SELECT COUNT(*), MAX(ID) FROM SYSTEM.RB_SCRATCH_ROWS")) {
      rows.next();
      assertThat(rows.getLong(1)).as("every committed row, those after the backup too").isEqualTo(200);
      assertThat(rows.getLong(2)).isEqualTo(200);
    }
    try (Connection root = root()) {
      assertThat(RecoveryVerification.verify(root).problems()).isEmpty();
    }
  }

  private void backup(Http http, String type) {
    Http.Answer started = http.post("/api/backups", TestUsers.OPERATOR, PW, Map.of("target", TARGET, "type", type));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    awaitState(http, started.json().get("id").asText(), "COMPLETED", Duration.ofMinutes(15));
  }

  private static JsonNode awaitState(Http http, String id, String state, Duration limit) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(limit).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      last[0] = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json();
      assertThat(last[0].get("state").asText()).as(Runs.describe(http, id)).isEqualTo(state);
    });
    return last[0];
  }

  private static void sqlplus(String shell, String... statements) throws Exception {
    ExecResult result = oracle.execInContainer("bash", "-c", shell + "\nsqlplus -s / as sysdba <<'SQL'\nWHENEVER SQLERROR EXIT FAILURE\n"
        + String.join("\n", statements) + "\nSQL");
    assertThat(result.getExitCode()).as(result.getStdout() + result.getStderr()).isZero();
  }

  private static String rootUrl() {
    return "jdbc:oracle:thin:@" + oracle.getHost() + ":" + oracle.getOraclePort() + "/FREE";
  }

  private static Connection root() throws SQLException {
    return DriverManager.getConnection(rootUrl(), "system", oracle.getPassword());
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
