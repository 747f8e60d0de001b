package io.rebound.recovery.oracle;

import static io.rebound.recovery.oracle.TriageMappingTest.FILES;
import static io.rebound.recovery.oracle.TriageMappingTest.LOGS;
import static io.rebound.recovery.oracle.TriageMappingTest.MOUNTED;
import static io.rebound.recovery.oracle.TriageMappingTest.ONLINE;
import static io.rebound.recovery.oracle.TriageMappingTest.OPEN_FAILED_ON_7;
import static io.rebound.recovery.oracle.TriageMappingTest.missing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RecoveryPoint;
import io.rebound.backup.RestoredPoint;
import io.rebound.config.ReboundProperties;
import io.rebound.recovery.Strategy;
import io.rebound.recovery.StrategyDecision;
import io.rebound.recovery.StrategyTables;
import io.rebound.recovery.Triage;
import io.rebound.recovery.oracle.RecoveryVerification.FileState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedWorkers;
import io.rebound.runbook.JobHost;
import io.rebound.runbook.StepLog;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Oracle recovery job for real, with RMAN replaced by the fake {@code rman} (src/test/resources/rman/fake), which
 * checks the command file it is given, and the database by a dictionary answering as Oracle would: a job starts once, is
 * attached to while RMAN runs, runs exactly the file the plan shows over the pieces downloaded and checked, stays failed
 * until discarded, and triage starts an instance that does not answer.
 */
class OracleMediaRecoveryTest {

  static S3Server s3;
  static final Instant T0 = Instant.parse("2026-11-29T01:00:00Z");

  @TempDir Path root;
  final DetachedWorkers workers = new DetachedWorkers();
  Path fake;
  Path work;
  Path oradata;
  List<Datafile> files;
  FakeDictionary dictionary;
  OracleMediaRecovery recovery;
  Target target;
  ObjectStore store;
  RecoveryPlan plan;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Server.start();
  }

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  /** The dictionary: pictures handed out in turn (the last one kept), verifications likewise. */
  static final class FakeDictionary implements RecoveryDictionary {
    final Deque<DatabasePicture> pictures = new ArrayDeque<>();
    final Deque<RecoveryVerification.Result> verifications = new ArrayDeque<>();
    int reads;

    @Override
    public DatabasePicture read(Target target, StepLog log) {
      reads++;
      return pictures.size() > 1 ? pictures.poll() : pictures.peek();
    }

    @Override
    public RecoveryVerification.Result verify(Target target) {
      return verifications.size() > 1 ? verifications.poll() : verifications.peek();
    }

    @Override
    public String checkpointScn(Target target) {
      return "2514900";
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    fake = Files.createDirectories(root.resolve("fake"));
    work = root.resolve("work");
    oradata = Files.createDirectories(root.resolve("oradata"));
    Path rman = fake.resolve("rman");
    try (InputStream script = getClass().getResourceAsStream("/rman/fake/rman")) {
      Files.copy(script, rman);
    }
    rman.toFile().setExecutable(true);
    Files.copy(sample("parse-error.log"), fake.resolve("parse-error"));
    use("recover-datafile.log", 0);
    target = target(List.of(rman.toString(), "target", "/"), Map.of("FAKE_RMAN_DIR", fake.toString(), "TZ", "Europe/Lisbon"));
    dictionary = new FakeDictionary();
    files = FILES.stream().map(file -> new Datafile(file.number(), file.container(), oradata.resolve(Path.of(file.name()).getFileName())
        .toString(), file.status(), file.enabled(), file.checkpointScn(), file.tablespace())).toList();
    dictionary.pictures.add(new DatabasePicture(true, false, MOUNTED, files, List.of(missing(7)), OpenFailure.parse(OPEN_FAILED_ON_7),
        LOGS, ONLINE, List.of()));
    dictionary.verifications.add(new RecoveryVerification.Result("READ WRITE", List.of(), List.of()));
    store = s3.store("oracle-recovery-" + System.nanoTime(), TransferSettings.DEFAULT);
    recovery = new OracleMediaRecovery(root.resolve("node"), new DetachedJobs(new JobHost("test-host", "", Duration.ofMillis(50),
        Duration.ofSeconds(10)), workers), () -> store, dictionary, Duration.ofMillis(20));
    BackupManifest full = new BackupStore(store).publish(new BackupManifest("b20261129f", "ora", Dialect.ORACLE, BackupType.FULL, null, 1,
        "1613387266", T0, T0.plusSeconds(600), "2500000", "2510000", List.of()), List.of(piece("0v3a1b2c_1_1", 3000),
        piece("controlfile_123a1b31_1_1", 100)));
    plan = new RecoveryPlan("ora", Dialect.ORACLE, RecoveryPoint.latest(), 1, "1613387266", List.of(full), List.of(), full.pieces(),
        3100, full.endTime(), "2510000", "none");
  }

  Target target(List<String> rmanCommand, Map<String, String> environment) {
    TargetProperties.Backup backup = new TargetProperties.Backup(null, null, null, null, null, work, null, null, null, rmanCommand,
        environment, null);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), root.resolve("node"), null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE", "sys as sysdba", null, null,
        null, null, null, 1, Map.of(), Map.of(), null, null, null, null, null, null, backup));
    return targets.get("ora");
  }

  static Path sample(String name) {
    return Path.of("src/test/resources/rman").resolve(name).toAbsolutePath();
  }

  void use(String sample, int exit) throws IOException {
    Files.writeString(fake.resolve("sample"), sample(sample).toString());
    Files.writeString(fake.resolve("exit"), Integer.toString(exit));
  }

  Path piece(String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    return Files.write(Files.createDirectories(root.resolve("pieces")).resolve(name), bytes);
  }

  List<String> scriptsRun() throws IOException {
    try (Stream<Path> files = Files.list(fake)) {
      List<String> scripts = new ArrayList<>();
      for (Path file : files.filter(file -> file.getFileName().toString().startsWith("run-")).sorted().toList()) {
        scripts.add(Files.readString(file));
      }
      return scripts;
    }
  }

  static PhysicalJob<RestoredPoint> awaitDone(Supplier<PhysicalJob<RestoredPoint>> call) {
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(call::get, PhysicalJob::isDone);
  }

  Triage triage() {
    return recovery.triage(target, new StepLog());
  }

  @Test
  void shouldRunTheCommandFileThePlanShowsOnceAttachingWhileRmanRunsAndVerifyAfterIt() throws IOException {
    Triage triage = triage();
    StrategyDecision decision = StrategyTables.decide(triage, false);
    assertThat(decision.strategy()).isEqualTo(Strategy.RESTORE_DATAFILE);
    List<String> actions = recovery.actions(target, triage, decision, plan);
    Path job = work.resolve("r77-recovery");
    String shown = String.join("\n", actions).replace("<job key>", "r77-recovery");
    Files.writeString(fake.resolve("expect"), shown.lines().filter(line -> line.startsWith("RMAN> "))
        .map(line -> line.substring("RMAN> ".length()) + "\n").reduce("", String::concat));
    Files.createFile(fake.resolve("hold"));

    PhysicalJob<RestoredPoint> started = recovery.recover(target, "r77-recovery", triage, decision, plan);
    assertThat(started.startedNow()).isTrue();
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(fake.resolve("run-1.cmd")));
    PhysicalJob<RestoredPoint> attached = recovery.recover(target, "r77-recovery", triage, decision, plan);
    assertThat(attached.startedNow()).isFalse();
    assertThat(attached.state()).isEqualTo(PhysicalJob.State.RUNNING);
    Files.delete(fake.resolve("hold"));
    PhysicalJob<RestoredPoint> done = awaitDone(() -> recovery.recover(target, "r77-recovery", triage, decision, plan));

    assertThat(done.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(done.result().summary()).startsWith("RESTORE_DATAFILE by RMAN from 1 backups and 0 log batches: open READ WRITE");
    assertThat(done.result().timeline()).isEqualTo(1);
    assertThat(done.result().position()).isEqualTo("2514900");
    assertThat(done.result().summary()).endsWith("checkpoint SCN 2514900");
    assertThat(scriptsRun()).hasSize(1);
    assertThat(fake.resolve("refused-1")).doesNotExist();
    assertThat(scriptsRun().get(0)).contains("ALTER DATABASE DATAFILE 7 OFFLINE;\nALTER DATABASE OPEN;\nCATALOG START WITH '" + job
        + "/download/' NOPROMPT;\nCROSSCHECK BACKUP;\nCROSSCHECK ARCHIVELOG ALL;\nRESTORE DATAFILE 7;\n");
    assertThat(actions).contains("download 2 pieces (3100 bytes) into " + work + "/<job key>/download/<backup or log batch id>/, each"
        + " checked against its SHA-256 in the manifest", fake.resolve("rman") + " target / cmdfile=" + work
        + "/<job key>/rman/rman.cmd log=" + work + "/<job key>/rman/rman.log",
        "check over JDBC: open READ WRITE, nothing left in V$RECOVER_FILE, every datafile ONLINE");
    assertThat(job.resolve("download/b20261129f/0v3a1b2c_1_1")).hasSize(3000);
    assertThat(job.resolve("download/b20261129f/controlfile_123a1b31_1_1")).hasSize(100);
    assertThat(recovery.recover(target, "r77-recovery", triage, decision, plan).state()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(scriptsRun()).hasSize(1);
  }

  @Test
  void shouldReadAFinishedRecoverysResultByALookThatNeverStartsOne() throws IOException {
    Triage triage = triage();
    StrategyDecision decision = StrategyTables.decide(triage, false);
    PhysicalJob<RestoredPoint> done = awaitDone(() -> recovery.recover(target, "r82-recovery", triage, decision, plan));

    PhysicalJob<RestoredPoint> looked = recovery.look(target, "r82-recovery");

    assertThat(looked.state()).as(done.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(looked.result()).isEqualTo(done.result());
    assertThat(looked.startedNow()).isFalse();
    assertThat(recovery.look(target, "r83-recovery").state()).isEqualTo(PhysicalJob.State.NOT_STARTED);
    assertThat(work.resolve("r83-recovery")).doesNotExist();
    assertThat(scriptsRun()).hasSize(1);
  }

  @Test
  void shouldFailWhenRmanRefusesTheCommandFileStayFailedAndRunAfreshOnceDiscarded() throws IOException {
    Triage triage = triage();
    StrategyDecision decision = StrategyTables.decide(triage, false);
    Files.writeString(fake.resolve("expect"), "RESTORE DATABASE;\n");

    PhysicalJob<RestoredPoint> refused = awaitDone(() -> recovery.recover(target, "r78-recovery", triage, decision, plan));
    assertThat(refused.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(refused.failure()).contains("RMAN-00558");
    assertThat(fake.resolve("refused-1")).hasContent("the command file is not the one expected");
    assertThat(recovery.recover(target, "r78-recovery", triage, decision, plan).state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(scriptsRun()).hasSize(1);

    recovery.discard(target, "r78-recovery");
    Files.delete(fake.resolve("expect"));
    PhysicalJob<RestoredPoint> again = awaitDone(() -> recovery.recover(target, "r78-recovery", triage, decision, plan));
    assertThat(again.state()).as(again.failure()).isEqualTo(PhysicalJob.State.SUCCEEDED);
    assertThat(scriptsRun()).hasSize(2);
    try (Stream<Path> jobs = Files.list(work)) {
      assertThat(jobs.map(path -> path.getFileName().toString())).anyMatch(name -> name.startsWith("r78-recovery.failed-"));
    }
  }

  @Test
  void shouldRefuseALineRmanCannotParseAndACatalogOfADirectoryThatIsNotThere() throws Exception {
    Path directory = Files.createDirectories(root.resolve("direct"));
    Files.writeString(directory.resolve("command.cmd"), "ALTER DATABASE DATAFILE 7 OFFLINE\nRESTORE DATAFILE 7;\n");
    // The fake reads its steering directory from the environment, as RMAN reads ORACLE_SID.
    ProcessBuilder builder = new ProcessBuilder(fake.resolve("rman").toString(), "target", "/", "cmdfile=" + directory.resolve("command.cmd"),
        "log=" + directory.resolve("rman.log"));
    builder.environment().put("FAKE_RMAN_DIR", fake.toString());
    assertThat(builder.start().waitFor()).isEqualTo(1);
    assertThat(Files.readString(fake.resolve("refused-" + scriptsRun().size()))).isEqualTo("not a command: ALTER DATABASE DATAFILE 7 OFFLINE\n");
    assertThat(directory.resolve("rman.log")).content().contains("RMAN-00558: error encountered while parsing input commands");

    Files.writeString(directory.resolve("command.cmd"), "CATALOG START WITH '/nowhere/download/' NOPROMPT;\nRESTORE DATAFILE 7;\n");
    assertThat(builder.start().waitFor()).isEqualTo(1);
    assertThat(Files.readString(fake.resolve("refused-" + scriptsRun().size())))
        .isEqualTo("CATALOG START WITH /nowhere/download/: no such directory\n");
  }

  @Test
  void shouldFailARecoveryAfterWhichTheDatabaseStillNeedsRecovery() {
    Triage triage = triage();
    StrategyDecision decision = StrategyTables.decide(triage, false);
    dictionary.verifications.clear();
    dictionary.verifications.add(new RecoveryVerification.Result("READ WRITE", List.of(new FileState(7, null, "FILE NOT FOUND")),
        List.of(new FileState(7, "/u02/oradata/ORCL/users01.dbf", "RECOVER"))));

    PhysicalJob<RestoredPoint> done = awaitDone(() -> recovery.recover(target, "r79-recovery", triage, decision, plan));

    assertThat(done.state()).isEqualTo(PhysicalJob.State.FAILED);
    assertThat(done.failure()).contains("RMAN finished but datafile 7 still needs recovery (V$RECOVER_FILE: FILE NOT FOUND); datafile 7"
        + " (/u02/oradata/ORCL/users01.dbf) is RECOVER, not ONLINE");
    assertThatCode(() -> recovery.discard(target, "r80-recovery")).as("a job never started").doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseToDiscardAJobThatRuns() throws IOException {
    Triage triage = triage();
    StrategyDecision decision = StrategyTables.decide(triage, false);
    Files.createFile(fake.resolve("hold"));
    recovery.recover(target, "r81-recovery", triage, decision, plan);

    assertThatThrownBy(() -> recovery.discard(target, "r81-recovery")).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("recovery job r81-recovery of target ora has not failed (RUNNING)");
    Files.delete(fake.resolve("hold"));
    awaitDone(() -> recovery.recover(target, "r81-recovery", triage, decision, plan));
  }

  @Test
  void shouldStartAnInstanceThatDoesNotAnswerMountedBeforeReadingIt() throws IOException {
    DatabasePicture mounted = dictionary.pictures.poll();
    dictionary.pictures.add(DatabasePicture.unreachable(List.of("ORA-01034: ORACLE not available")));
    dictionary.pictures.add(mounted);
    use("startup-mount.log", 0);
    StepLog log = new StepLog();

    Triage triage = recovery.triage(target, log);

    assertThat(scriptsRun()).containsExactly("STARTUP MOUNT;\n");
    assertThat(triage.reachable()).isTrue();
    assertThat(triage.instanceRecovery()).isEqualTo("the instance was started (STARTUP MOUNT) and the database did not open");
    assertThat(triage.files()).singleElement().satisfies(file -> assertThat(file.path()).isEqualTo(oradata.resolve("users01.dbf")
        .toString()));
    assertThat(log.entries()).anyMatch(entry -> entry.action().equals("RMAN: STARTUP MOUNT") && entry.outcome().equals("started"));
  }

  @Test
  void shouldSayWhatRmanSaidWhenItCannotStartTheInstance() throws IOException {
    dictionary.pictures.clear();
    dictionary.pictures.add(DatabasePicture.unreachable(List.of("ORA-01034: ORACLE not available")));
    use("parse-error.log", 1);

    Triage triage = recovery.triage(target, new StepLog());

    assertThat(triage.unexplained()).isTrue();
    assertThat(triage.serverSaid()).hasSize(2).first().isEqualTo("ORA-01034: ORACLE not available");
    assertThat(triage.serverSaid().get(1)).startsWith("STARTUP MOUNT failed: ").contains("RMAN-00558");
    assertThat(dictionary.reads).isEqualTo(1);
  }

  @Test
  void shouldRefuseSettingsThatCannotRunRmanNamingTheSetting() {
    assertThatThrownBy(() -> recovery.checkSettings(target(List.of("rman", "target", "sys/secret@orcl"), Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rebound.targets.ora.backup.rman-command: rman-command must"
            + " not hold credentials");
    assertThatThrownBy(() -> recovery.checkSettings(target(List.of("rman", "target", "/"), Map.of("TZ", "Mars/Olympus"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rebound.targets.ora.backup.environment.TZ 'Mars/Olympus'");
    assertThatThrownBy(() -> recovery.checkSettings(target(List.of("rman", "target", "/"), Map.of("ORACLE_SID", "a\nb"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("rebound.targets.ora.backup.environment: environment variable ORACLE_SID"
            + " must be one line");
    work = root.resolve("it's");
    assertThatThrownBy(() -> recovery.checkSettings(target(List.of("rman", "target", "/"), Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rebound.targets.ora.backup.work-directory " + work
            + " must be an absolute path");
    recovery.checkSettings(target);
  }

  @Test
  void shouldRefuseAWorkDirectoryThatIsAFile() throws IOException {
    work = Files.writeString(root.resolve("a-file"), "x");
    assertThatThrownBy(() -> recovery.checkSettings(target(List.of("rman", "target", "/"), Map.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a directory Rebound can write");
  }

  @Test
  void shouldCallADirectoryUsableWhenItIsThereOrAsmPlacesTheFile() {
    assertThat(OracleMediaRecovery.directoryUsable(oradata.resolve("users01.dbf").toString())).isTrue();
    assertThat(OracleMediaRecovery.directoryUsable(root.resolve("gone/users01.dbf").toString())).isFalse();
    assertThat(OracleMediaRecovery.directoryUsable("+DATA/ORCL/DATAFILE/users.263.1187654321")).isTrue();
  }

  @Test
  void shouldShowNoActionsForInstanceRecoveryOnly() {
    dictionary.pictures.clear();
    dictionary.pictures.add(new DatabasePicture(true, false, TriageMappingTest.OPEN, files, List.of(), null, LOGS, ONLINE, List.of()));
    Triage triage = triage();
    assertThat(recovery.actions(target, triage, StrategyTables.decide(triage, false), plan)).isEmpty();
    assertThat(recovery.dialect()).isEqualTo(Dialect.ORACLE);
  }
}
