package io.rebound.recovery.oracle;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.trail;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import io.rebound.runbook.StepLog;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.target.Target;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.BackupBench;
import io.rebound.testsupport.FakeOracle;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The database recovery of an Oracle target over HTTP, with the real Oracle layer and the runbook: requested, triaged,
 * planned with the exact RMAN command file, refused to its requester, approved by a second person, then the pieces
 * downloaded from the bucket and checked, and RMAN run once with the very file approved, though the verify step fails once
 * and is retried. Oracle cannot run here: RMAN is the fake {@code rman} (src/test/resources/rman/fake), which refuses any
 * other command file, and the database's views are a picture fed through {@link RecoveryDictionary}: datafile 7 of USERS
 * missing, the open failing on it, until RMAN has run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = io.rebound.ReboundApplication.class)
@ActiveProfiles("it")
@Import(OracleDatabaseRecoveryIT.Pictures.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OracleDatabaseRecoveryIT {

  static final String PREFIX = "oracle-recovery";
  static final BackupBench bench = BackupBench.withBucket(PREFIX);
  static final S3Server s3 = bench.s3();
  static final String PW = TestUsers.PASSWORD;
  static final String TARGET = "ora";
  static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1));
  static final FakeOracle oracle = FakeOracle.target(TARGET, "recover-datafile.log");
  static final Path fake = oracle.rman();
  static final Path work = oracle.work();
  static final Path oradata = FakeOracle.directory("oracle-recovery-oradata");
  static final String USERS01 = oradata.resolve("users01.dbf").toString();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    bench.register(registry);
    oracle.register(registry, "sys as sysdba");
    try (ObjectStore store = s3.store(PREFIX, TransferSettings.DEFAULT)) {
      oracle.publishDay(store, T0, "1613387266");
    }
  }
  /** The fake rman, writing the log of a datafile restored and recovered and exiting 0. */
  /**
   * ORCL as its views read: mounted, datafile 7 of USERS missing and the open failing on it, until RMAN has run; then, for
   * one more read, open with datafile 7 still listed in V$RECOVER_FILE (the verify step fails and is retried), and open and
   * whole after that.
   */
  static final class PictureDictionary implements RecoveryDictionary {
    static final DatabaseState MOUNTED = new DatabaseState("1613387266", "ORCL", "ARCHIVELOG", "MOUNTED", "1380000", "1", false,
        "UNDOTBS1");
    static final DatabaseState OPEN = new DatabaseState("1613387266", "ORCL", "ARCHIVELOG", "READ WRITE", "1390000", "1", false,
        "UNDOTBS1");
    static final List<Datafile> FILES = List.of(new Datafile(1, 0, oradata.resolve("system01.dbf").toString(), "SYSTEM", "READ WRITE",
        "1380000", "SYSTEM"), new Datafile(4, 0, oradata.resolve("undotbs01.dbf").toString(), "ONLINE", "READ WRITE", "1380000",
        "UNDOTBS1"), new Datafile(7, 0, USERS01, "ONLINE", "READ WRITE", "0", "USERS"), new Datafile(8, 0,
        oradata.resolve("users02.dbf").toString(), "ONLINE", "READ WRITE", "1380000", "USERS"));
    static final String OPEN_FAILED = "ORA-01157: cannot identify/lock data file 7 - see DBWR trace file\n"
        + "ORA-01110: data file 7: '" + USERS01 + "'\nORA-27037: unable to obtain file status\n"
        + "Linux-x86_64 Error: 2: No such file or directory\nAdditional information: 7";
    final AtomicInteger readsAfterRman = new AtomicInteger();

    @Override
    public DatabasePicture read(Target target, StepLog log) {
      boolean recovered;
      try {
        recovered = !oracle.runs().isEmpty();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!recovered) {
        log.ran("ALTER DATABASE OPEN", "failed: ORA-01157");
        OpenFailure failure = OpenFailure.parse(OPEN_FAILED);
        return new DatabasePicture(true, false, MOUNTED, FILES, List.of(new RecoverFile(7, "ONLINE", "FILE NOT FOUND", "0")), failure,
            List.of(new ArchivedLog(1, 23, "1379000", "1381000")), Map.of(1, "1381000"), failure.errors());
      }
      if (readsAfterRman.getAndIncrement() == 0) {
        return new DatabasePicture(true, false, OPEN, FILES, List.of(new RecoverFile(7, "ONLINE", null, "1380000")), null, List.of(),
            Map.of(1, "1381000"), List.of());
      }
      return new DatabasePicture(true, false, OPEN, FILES, List.of(), null, List.of(), Map.of(1, "1381000"), List.of());
    }

    @Override
    public RecoveryVerification.Result verify(Target target) {
      return new RecoveryVerification.Result("READ WRITE", List.of(), List.of());
    }

    @Override
    public String checkpointScn(Target target) {
      return "1390000";
    }
  }

  @TestConfiguration
  static class Pictures {
    @Bean
    @Primary
    RecoveryDictionary pictureDictionary() {
      return new PictureDictionary();
    }
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @Test
  void shouldRecoverAnOracleDatafileOnceOnlyAfterAnotherPersonApprovedTheCommandFileShown() throws IOException {
    TestUsers.create(identity);
    Http http = new Http(port);
    Http.Answer started = http.post("/api/database-recoveries", TestUsers.BOTH, PW, Map.of("target", TARGET));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    Path job = work.resolve(id + "-recovery");

    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    assertThat(plan).contains("RECOVER ora (ORACLE): RESTORE_DATAFILE, complete recovery", "DATA LOSS\nnone",
        USERS01 + " (data, tablespace USERS, datafile 7 of tablespace USERS): missing or unreadable: restore and recover",
        "server: ORA-01157: cannot identify/lock data file 7", "FULL full-1", "arch-1320",
        "download 25 pieces", "RMAN> ALTER DATABASE DATAFILE 7 OFFLINE;", "RMAN> ALTER DATABASE OPEN;",
        "RMAN> CATALOG START WITH '" + work + "/<job key>/download/' NOPROMPT;", "RMAN> RESTORE DATAFILE 7;",
        "RMAN> RECOVER DATAFILE 7;", "RMAN> ALTER DATABASE DATAFILE 7 ONLINE;", "PLAN HASH ").doesNotContain("Oracle-Secret-1");

    String taskId = approvalTask(http, id);
    Http.Answer own = http.post("/api/recoveries/" + id + "/approval", TestUsers.BOTH, PW, Map.of("approved", true, "comment", "mine"));
    Http.Answer complete = http.post("/engine-rest/task/" + taskId + "/complete", TestUsers.BOTH, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"))));
    assertThat(List.of(own.status(), complete.status())).as(own.body() + " | " + complete.body()).containsOnly(403);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval", "STEP_STARTED recheck");
    assertThat(job).doesNotExist();
    assertThat(oracle.runs()).isEmpty();

    // The fake rman refuses any command file but the one the approver read.
    String approvedFile = plan.lines().map(String::strip).filter(line -> line.startsWith("RMAN> "))
        .map(line -> line.substring("RMAN> ".length()).replace("<job key>", id + "-recovery") + "\n").reduce("", String::concat);
    Files.writeString(fake.resolve("expect"), approvedFile);
    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true,
        "comment", "users01.dbf lost; restore it and recover to the last change"));
    assertThat(approved.status()).as(approved.body()).isBetween(200, 204);
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json().get("state").asText()).as(describe(http, id))
            .isEqualTo("COMPLETED"));

    assertThat(event(http, id, "APPROVED", null).get("actor").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(trail(http, id)).containsSubsequence("STEP_FINISHED triage", "PLAN_COMPUTED plan", "APPROVED approval",
        "STEP_FINISHED recheck", "STEP_FINISHED recover", "STEP_FAILED verify", "STEP_FINISHED verify");
    assertThat(event(http, id, "STEP_FAILED", "verify").get("outcome").asText()).contains("still has affected files", USERS01);
    assertThat(event(http, id, "STEP_FINISHED", "verify").get("outcome").asText()).contains("RESTORE_DATAFILE, data loss none",
        "ora is open, no file affected", "checkpoint SCN 1390000");
    // RMAN ran once, with the very command file the approver read, over the pieces downloaded and checked.
    assertThat(oracle.runs()).containsExactly(approvedFile);
    assertThat(fake.resolve("refused-1")).doesNotExist();
    assertThat(job.resolve("download/full-1/db_full_1.bkp")).hasSize(3000);
    assertThat(job.resolve("download/arch-1320/arch_1320.arc")).hasSize(200);
    assertThat(String.join("\n", trail(http, id)) + describe(http, id)).doesNotContain("Oracle-Secret-1");
  }
}
