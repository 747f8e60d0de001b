package io.rebound.repair;

import static io.rebound.testsupport.Runs.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditTrail;
import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.repair.reference.ReplicaCodec;
import io.rebound.storage.ObjectStore;
import io.rebound.storage.S3Server;
import io.rebound.storage.TransferSettings;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import io.rebound.runbook.RunLedger;
import io.rebound.runbook.StepRefusedException;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The workstation repair end to end over HTTP: workstations replicating through a server whose mailboxes are
 * in a real S3 server, one of them restored from a backup of its database (and in a second case its working
 * directory lost too) while the others and the server moved on; Rebound, its engine on PostgreSQL, diagnoses
 * and repairs it, and replication goes on afterwards with every workstation holding the same rows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class WorkstationRepairIT {

  static final String PW = TestUsers.PASSWORD;
  static final S3Server s3 = start(S3Server::start);
  static final EmbeddedPostgres engine = start(() -> EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start());
  static final WorkstationDatabases databases = new WorkstationDatabases();
  static final ObjectStore store = s3.store("rebound", TransferSettings.DEFAULT);
  static final Path work = start(() -> Files.createTempDirectory("rebound-repair-jobs"));

  interface Starting<T> {
    T get() throws Exception;
  }

  static <T> T start(Starting<T> starting) {
    try {
      return starting.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", () -> engine.getJdbcUrl("postgres", "postgres"));
    registry.add("spring.datasource.username", () -> "postgres");
    registry.add("spring.datasource.password", () -> "");
    registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "50");
    registry.add("camunda.bpm.job-execution.max-wait", () -> "200");
    registry.add("rebound.steps.retry-cycle", () -> "R2/PT1S");
    registry.add("rebound.work-directory", work::toString);
    registry.add("rebound.storage.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("rebound.storage.s3.bucket", () -> S3Server.BUCKET);
    registry.add("rebound.storage.s3.prefix", () -> "rebound");
    registry.add("rebound.storage.s3.path-style-access", () -> "true");
    registry.add("rebound.storage.s3.region", () -> "us-east-1");
    registry.add("rebound.storage.s3.access-key-id", () -> S3Server.ACCESS_KEY);
    registry.add("rebound.storage.s3.secret-access-key", () -> S3Server.SECRET_KEY);
    for (String id : List.of("a1", "b1", "c1", "h1", "r1", "u1")) {
      registry.add("rebound.targets.ws_" + id + ".dialect", () -> "postgresql");
      registry.add("rebound.targets.ws_" + id + ".url", () -> databases.url(id));
      registry.add("rebound.targets.ws_" + id + ".username", () -> "postgres");
      registry.add("rebound.workstations." + id + ".target", () -> "ws_" + id);
      registry.add("rebound.workstations." + id + ".working-directory", () -> databases.workingDirectory(id).toString());
      registry.add("rebound.workstations." + id + ".mailbox", () -> "mailboxes/" + id);
      registry.add("rebound.workstations." + id + ".retransmission-wait", () -> "PT1S");
    }
    registry.add("rebound.workstations.b1.approval", () -> "false");
    registry.add("rebound.workstations.c1.approval", () -> "false");
    registry.add("rebound.workstations.u1.approval", () -> "false");
    registry.add("rebound.workstations.c1.retransmission-give-up", () -> "PT4S");
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    s3.close();
    databases.close();
  }

  @Autowired IdentityService identity;
  @Autowired RuntimeService runtime;
  @Autowired AuditTrail audit;
  @Autowired RepairRun repairRun;
  @Autowired ProcessEngine processEngine;
  @LocalServerPort int port;

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  /** Two full rounds of the normal cycle everywhere, the server between them, then one more on the workstations. */
  static void replicate(ReplicationServer server, ReferenceWorkstation... workstations) {
    for (int round = 0; round < 2; round++) {
      for (ReferenceWorkstation workstation : workstations) {
        workstation.cycle();
      }
      server.cycle();
    }
    for (ReferenceWorkstation workstation : workstations) {
      workstation.cycle();
    }
  }

  static List<String> reasons(JsonNode diagnosis) {
    return diagnosis.get("reasons").findValuesAsText("code");
  }

  @Test
  void shouldRepairAWorkstationRestoredFromABackupAfterApprovalAndReplicateNormallyAfterwards() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation a1 = databases.create("a1", 1, store, server.mailbox("a1"));
    ReferenceWorkstation a2 = databases.create("a2", 2, store, server.mailbox("a2"));
    ReferenceWorkstation a3 = databases.create("a3", 3, store, server.mailbox("a3"));
    databases.execute("a1", "INSERT INTO shop.customers (name, city) VALUES ('Ada', 'Paris'), ('Ben', 'Lyon')");
    databases.execute("a2", "INSERT INTO shop.customers (name) VALUES ('Cleo')");
    databases.execute("a3", "INSERT INTO shop.orders (customer_id, amount) VALUES (1, 10.00)");
    replicate(server, a1, a2, a3);
    databases.backup("a1");

    databases.execute("a1", "INSERT INTO shop.customers (name) VALUES ('Dan, after the backup')", "UPDATE shop.customers SET city = 'Nice' WHERE name = 'Ada'");
    databases.execute("a2", "INSERT INTO shop.orders (customer_id, amount) VALUES (11, 20.00)", "DELETE FROM shop.customers WHERE name = 'Ben'");
    databases.execute("a3", "INSERT INTO shop.customers (name) VALUES ('Eve')");
    replicate(server, a1, a2, a3);
    // Sent, taken into the stream by the server, not yet read back by a1.
    databases.execute("a1", "INSERT INTO shop.orders (customer_id, amount) VALUES (1, 30.00)");
    a1.packageAudit();
    a1.send();
    server.cycle();
    // Packaged into QueOut and the working directory, never sent.
    databases.execute("a1", "INSERT INTO shop.customers (name) VALUES ('Fay, never sent')");
    a1.packageAudit();
    String before = databases.shop("a1");
    databases.restoreFromBackup("a1");
    assertThat(databases.shop("a1")).isNotEqualTo(before);

    JsonNode diagnosis = http.get("/api/workstations/a1/diagnosis", TestUsers.OPERATOR, PW).json();
    assertThat(diagnosis.get("needsRepair").asBoolean()).isTrue();
    assertThat(reasons(diagnosis)).contains("QUE_IN_DIFFERS_FROM_DIRECTORY", "QUE_OUT_DIFFERS_FROM_DIRECTORY", "QUE_IN_BEHIND_SERVER",
        "QUE_OUT_BEHIND_SERVER", "SENT_MARK_BEHIND_SERVER");
    assertThat(diagnosis.get("readings").get("serverSentUpTo").asLong()).isEqualTo(3);

    Http.Answer started = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "a1"));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    assertThat(databases.workingDirectory("a1").resolve("repair-started")).exists();
    assertThatCycleRefused(a1);
    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    assertThat(plan).contains("Repair of workstation a1", "QUE_IN_BEHIND_SERVER", "serverSentUpTo = 3", "serverStreamLast = ", "apply QueIn");
    // While the approval waits the others go on: the common stream grows past what a1 read, a2's replica with it.
    // What the repair does for a1 is bound to a1's own figures, which did not move: the approved plan still holds.
    long streamBefore = server.mailbox("a1").replicas("stream/").lastKey();
    databases.execute("a2", "INSERT INTO shop.customers (name) VALUES ('Hal, while the approval waited')");
    a2.cycle();
    server.cycle();
    assertThat(server.mailbox("a1").replicas("stream/").lastKey()).isGreaterThan(streamBefore);
    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", true, "comment", "restored from last night's backup"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    awaitState(http, id, "COMPLETED");

    assertThat(databases.workingDirectory("a1").resolve("repair-started")).doesNotExist();
    assertThat(databases.shop("a1")).contains("Dan, after the backup", "Nice", "30.00", "Fay, never sent", "Eve", "20.00").doesNotContain("Ben");
    assertThat(databases.shop("a1").lines()).as("every row a1 held before the failure, as it was").containsAll(before.lines().toList());
    assertGeneratorsPastTheirKeys("a1", 1);
    JsonNode after = http.get("/api/workstations/a1/diagnosis", TestUsers.OPERATOR, PW).json();
    assertThat(reasons(after)).as(after.toString()).isEmpty();
    assertEveryRepairStepFinishedOnce(audit.events(id), true);
    assertThat(Runs.trail(http, id)).containsSubsequence("STEP_FINISHED diagnose", "STEP_FINISHED mark-repair-started", "APPROVED approval",
        "STEP_FINISHED recheck-plan", "STEP_FINISHED restore-queues", "STEP_FINISHED apply-que-in", "STEP_FINISHED remove-repair-mark", "ENDED end");

    databases.execute("a1", "INSERT INTO shop.customers (name) VALUES ('Gus, after the repair')");
    databases.execute("a2", "INSERT INTO shop.orders (customer_id, amount) VALUES (1, 40.00)");
    replicate(server, a1, a2, a3);
    assertThat(databases.shop("a1")).contains("Gus, after the repair", "40.00", "Hal").isEqualTo(databases.shop("a2")).isEqualTo(databases.shop("a3"));
    assertThat(databases.queryLong("a2", "SELECT count(*) FROM shop.customers WHERE name LIKE 'Fay%'")).isEqualTo(1);
  }

  @Test
  void shouldRepairAnUnattendedWorkstationThatLostItsWorkingDirectoryAndApplyNothingTwiceAcrossAFailedApply() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation b1 = databases.create("b1", 1, store, server.mailbox("b1"));
    ReferenceWorkstation b2 = databases.create("b2", 2, store, server.mailbox("b2"));
    databases.execute("b1", "INSERT INTO shop.customers (name) VALUES ('b1 first')");
    databases.execute("b2", "INSERT INTO shop.customers (name) VALUES ('b2 first')");
    replicate(server, b1, b2);
    databases.backup("b1");
    for (int i = 0; i < 4; i++) {
      databases.execute("b1", "INSERT INTO shop.customers (name) VALUES ('b1 later " + i + "')");
      databases.execute("b2", "INSERT INTO shop.orders (customer_id, amount, note) VALUES (2, " + i + ", '" + (i == 2 ? "poison" : "fine") + "')");
      replicate(server, b1, b2);
    }
    databases.restoreFromBackup("b1");
    databases.loseWorkingDirectory("b1");
    long appliedBefore = databases.queryLong("b1", "SELECT value FROM replication.marks WHERE name = 'que_in_applied'");
    // Applying the replica holding the poison order fails while the fault is armed; every applied row write is counted.
    databases.execute("b1", "CREATE TABLE public.fault (armed boolean)", "INSERT INTO public.fault VALUES (true)",
        "CREATE TABLE public.applied_writes (id bigserial, table_name text, key bigint)",
        "CREATE FUNCTION public.poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF NEW.note = 'poison' AND (SELECT armed FROM public.fault) THEN RAISE EXCEPTION 'poisoned replica'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON shop.orders FOR EACH ROW EXECUTE FUNCTION public.poison()",
        "CREATE FUNCTION public.count_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF current_setting('replication.applying', true) = 'on' THEN"
            + " INSERT INTO public.applied_writes (table_name, key) VALUES (TG_TABLE_NAME, coalesce(NEW.id, OLD.id)); END IF; RETURN NULL; END $$",
        "CREATE TRIGGER count_write AFTER INSERT OR UPDATE OR DELETE ON shop.orders FOR EACH ROW EXECUTE FUNCTION public.count_write()",
        "CREATE TRIGGER count_write AFTER INSERT OR UPDATE OR DELETE ON shop.customers FOR EACH ROW EXECUTE FUNCTION public.count_write()");

    assertThat(reasons(http.get("/api/workstations/b1/diagnosis", TestUsers.OPERATOR, PW).json())).contains("WORKING_DIRECTORY_LOST",
        "QUE_IN_BEHIND_SERVER");
    String id = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "b1")).json().get("id").asText();
    // The server dropped what b1 had read: the repair asks for it again and waits on its timer.
    awaitRetransmissionAsked(server, "b1", id);
    server.answerRetransmissions();
    JsonNode failed = awaitState(http, id, "FAILED");
    assertThat(failed.get("incident").asText()).startsWith("Task_ApplyQueIn: ").contains("poisoned replica");
    long appliedAtFailure = databases.queryLong("b1", "SELECT value FROM replication.marks WHERE name = 'que_in_applied'");
    long queInLast = databases.queryLong("b1", "SELECT max(no) FROM replication.que_in");
    assertThat(appliedAtFailure).isGreaterThan(appliedBefore).isLessThan(queInLast);
    databases.execute("b1", "UPDATE public.fault SET armed = false");
    Runs.retryFailedJob(http, id);
    awaitState(http, id, "COMPLETED");

    long changes = 0;
    try (Connection connection = databases.connect("b1"); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT no, payload FROM replication.que_in WHERE no > " + appliedBefore)) {
      while (rows.next()) {
        changes += ReplicaCodec.decode(rows.getBytes(2), "QueIn " + rows.getLong(1)).changes().size();
      }
    }
    assertThat(databases.queryLong("b1", "SELECT count(*) FROM public.applied_writes")).as("each change applied once").isEqualTo(changes);
    assertThat(databases.workingDirectory("b1").resolve("in")).isDirectory();
    assertThat(reasons(http.get("/api/workstations/b1/diagnosis", TestUsers.OPERATOR, PW).json())).isEmpty();
    assertGeneratorsPastTheirKeys("b1", 1);
    assertThat(Runs.trail(http, id)).doesNotContain("APPROVED approval");

    databases.execute("b1", "INSERT INTO shop.customers (name) VALUES ('b1 after the repair')");
    replicate(server, b1, b2);
    assertThat(databases.shop("b1")).contains("b1 later 3", "poison", "b1 after the repair").isEqualTo(databases.shop("b2"));
  }

  @Test
  void shouldRaiseAnIncidentWhenTheServerDoesNotRetransmitInTimeAndFinishOnceItHas() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation c1 = databases.create("c1", 1, store, server.mailbox("c1"));
    ReferenceWorkstation c2 = databases.create("c2", 2, store, server.mailbox("c2"));
    databases.backup("c1");
    databases.execute("c2", "INSERT INTO shop.customers (name) VALUES ('c2 row')");
    databases.execute("c1", "INSERT INTO shop.customers (name) VALUES ('c1 row')");
    replicate(server, c1, c2);
    databases.restoreFromBackup("c1");
    databases.loseWorkingDirectory("c1");

    String id = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "c1")).json().get("id").asText();
    JsonNode failed = awaitState(http, id, "FAILED");
    assertThat(failed.get("incident").asText()).startsWith("Task_FetchFromServer: ").contains("gave up waiting", "QueIn 1..", "PT4S");
    assertThat(databases.workingDirectory("c1").resolve("repair-started")).as("a half-done repair shows").exists();
    assertThat(reasons(http.get("/api/workstations/c1/diagnosis", TestUsers.OPERATOR, PW).json())).contains("REPAIR_UNFINISHED");

    assertThat(server.answerRetransmissions()).isPositive();
    Runs.retryFailedJob(http, id);
    awaitState(http, id, "COMPLETED");
    replicate(server, c1, c2);
    assertThat(databases.shop("c1")).contains("c1 row", "c2 row").isEqualTo(databases.shop("c2"));
  }

  @Test
  void shouldRefuseAnApprovedRepairWhenTheServersFiguresChangedWhileTheApprovalWaited() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation r1 = databases.create("r1", 1, store, server.mailbox("r1"));
    ReferenceWorkstation r2 = databases.create("r2", 2, store, server.mailbox("r2"));
    databases.execute("r1", "INSERT INTO shop.customers (name) VALUES ('r1 first')");
    replicate(server, r1, r2);
    databases.backup("r1");
    databases.execute("r1", "INSERT INTO shop.customers (name) VALUES ('r1 after the backup')");
    replicate(server, r1, r2);
    databases.restoreFromBackup("r1");
    String shop = databases.shop("r1");

    String id = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "r1")).json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    assertThat(http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body()).contains("serverSentUpTo = 2");
    // The old machine, still running somewhere, sent one more replica of r1's: the server now counts three. Repaired by the
    // approved plan, r1 would apply that replica's number from QueOut as never sent and set its sent mark below the server's.
    server.mailbox("r1").setFigure("state/sent-up-to", 3);
    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true, "comment", "ok"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    JsonNode refused = awaitState(http, id, "FAILED");
    assertThat(refused.get("failureReason").asText()).contains("refused after approval", "- reading serverSentUpTo = 2",
        "+ reading serverSentUpTo = 3", "start a new repair");
    assertThat(Runs.trail(http, id)).containsSubsequence("APPROVED approval", "PLAN_CHANGED recheck-plan", "STEP_FINISHED withdraw-repair-mark",
        "ENDED end").doesNotContain("STEP_STARTED restore-queues");
    assertThat(databases.workingDirectory("r1").resolve("repair-started")).doesNotExist();
    assertThat(databases.shop("r1")).isEqualTo(shop);
  }

  @Test
  void shouldGuardTheStepsOfAnUnattendedRepairOnceEachInOrderAgainstEveryWayAroundTheModel() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation u1 = databases.create("u1", 1, store, server.mailbox("u1"));
    ReferenceWorkstation u2 = databases.create("u2", 2, store, server.mailbox("u2"));
    databases.backup("u1");
    databases.execute("u2", "INSERT INTO shop.customers (name) VALUES ('u2 row')");
    databases.execute("u1", "INSERT INTO shop.customers (name) VALUES ('u1 row')");
    replicate(server, u1, u2);
    databases.restoreFromBackup("u1");
    databases.loseWorkingDirectory("u1");

    String id = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "u1")).json().get("id").asText();
    // No approval: the run takes what the server still has and waits on its timer for what it asked to be sent again.
    awaitRetransmissionAsked(server, "u1", id);
    assertThat(Runs.trail(http, id)).contains("STEP_FINISHED restore-queues").doesNotContain("STEP_FINISHED fetch-from-server");

    // Through /engine-rest, as an administrator: a token placed before applying QueIn, or a new run started there.
    Http.Answer modification = http.post("/engine-rest/process-instance/" + id + "/modification", TestUsers.ADMIN, PW,
        Map.of("instructions", List.of(Map.of("type", "startBeforeActivity", "activityId", WorkstationRepairProcess.Elements.APPLY_QUE_IN))));
    Http.Answer startedThere = http.post("/engine-rest/process-definition/key/" + WorkstationRepairProcess.KEY + "/start", TestUsers.ADMIN, PW,
        Map.of("variables", Map.of("workstation", Map.of("value", "u1", "type", "String")),
            "startInstructions", List.of(Map.of("type", "startBeforeActivity", "activityId", WorkstationRepairProcess.Elements.REPAIR_MARKS))));
    assertThat(List.of(modification.status(), startedThere.status())).as(modification.body() + " | " + startedThere.body()).containsOnly(400);
    assertThat(modification.body()).contains("process instance modification is refused");
    assertThat(startedThere.body()).contains("start instructions is refused");

    // Had a step been reached around the model anyway, its guard counts from the run's request: each step once, in order.
    assertThatThrownBy(() -> authorise(id, WorkstationRepairRunbook.APPLY_QUE_IN)).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("apply-que-in refused: fetch-from-server, await-own-replicas must finish first since the request");
    assertThatThrownBy(() -> authorise(id, WorkstationRepairRunbook.RESTORE_QUEUES)).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("restore-queues refused: it already ran since the request");
    assertThatThrownBy(() -> authorise(id, WorkstationRepairRunbook.RECHECK_PLAN)).isInstanceOf(StepRefusedException.class)
        .hasMessageContaining("not part of this run's pass");
    assertThat(databases.queryLong("u1", "SELECT value FROM replication.marks WHERE name = 'que_in_applied'")).isZero();

    server.answerRetransmissions();
    awaitState(http, id, "COMPLETED");
    assertEveryRepairStepFinishedOnce(audit.events(id), false);
    long requested = audit.events(id).stream().filter(e -> e.type().equals("REQUESTED")).findFirst().orElseThrow().id();
    assertThat(audit.events(id).stream().filter(e -> e.type().equals("STEP_STARTED") && WorkstationRepairRunbook.PASS.contains(e.step())))
        .as("every step names the request it runs under").isNotEmpty().allMatch(e -> e.details().contains("\"approval\":" + requested));
    replicate(server, u1, u2);
    assertThat(databases.shop("u1")).contains("u1 row", "u2 row").isEqualTo(databases.shop("u2"));
  }

  /** Asks the run's step guard, inside the engine, whether {@code step} may run now. */
  RunLedger.GivenApproval authorise(String id, String step) {
    return ((ProcessEngineConfigurationImpl) engineConfiguration()).getCommandExecutorTxRequired().execute(context ->
        repairRun.guard().authorise(context.getExecutionManager().findExecutionById(id), step));
  }

  org.camunda.bpm.engine.ProcessEngineConfiguration engineConfiguration() {
    return processEngine.getProcessEngineConfiguration();
  }

  @Test
  void shouldLeaveAHealthyWorkstationUntouched() throws Exception {
    Http http = http();
    ReplicationServer server = new ReplicationServer(store);
    ReferenceWorkstation h1 = databases.create("h1", 1, store, server.mailbox("h1"));
    databases.execute("h1", "INSERT INTO shop.customers (name) VALUES ('healthy')");
    replicate(server, h1);
    String shop = databases.shop("h1");

    JsonNode diagnosis = http.get("/api/workstations/h1/diagnosis", TestUsers.OPERATOR, PW).json();
    assertThat(diagnosis.get("needsRepair").asBoolean()).as(diagnosis.toString()).isFalse();
    assertThat(diagnosis.get("readings").get("queInLast").asLong()).isEqualTo(1);
    String id = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, Map.of("workstation", "h1")).json().get("id").asText();
    awaitState(http, id, "COMPLETED");
    assertThat(Runs.trail(http, id)).contains("STEP_FINISHED diagnose").doesNotContain("STEP_STARTED mark-repair-started");
    assertThat(databases.shop("h1")).isEqualTo(shop);
    assertThat(databases.workingDirectory("h1").resolve("repair-started")).doesNotExist();
    h1.cycle();
  }

  @Test
  void shouldRefuseBadInputWithTheReasonAndStartNothing() {
    Http http = http();
    long runs = runtime.createProcessInstanceQuery().processDefinitionKey(WorkstationRepairProcess.KEY).count();
    Map<Object, String> refusals = Map.of(
        Map.of(), "workstation is required",
        Map.of("workstation", "nowhere"), "unknown workstation 'nowhere'",
        Map.of("workstation", 42), "workstation",
        Map.of("workstation", "a1", "force", true), "force",
        "[\"a1\"]", "",
        "{\"workstation\": ", "");
    refusals.forEach((body, reason) -> {
      Http.Answer answer = http.post("/api/workstation-repairs", TestUsers.OPERATOR, PW, body);
      assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).contains(reason);
    });
    assertThat(http.get("/api/workstations/nowhere/diagnosis", TestUsers.OPERATOR, PW).status()).isEqualTo(404);
    assertThat(http.get("/api/workstations/a%20b/diagnosis", TestUsers.OPERATOR, PW).status()).isEqualTo(400);
    assertThat(http.get("/api/workstations/h1/diagnosis", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
    assertThat(http.get("/api/workstations/h1/diagnosis", null, null).status()).isEqualTo(401);
    assertThat(runtime.createProcessInstanceQuery().processDefinitionKey(WorkstationRepairProcess.KEY).count()).isEqualTo(runs);
  }

  static void assertThatCycleRefused(ReferenceWorkstation workstation) {
    try {
      workstation.cycle();
    } catch (IllegalStateException refused) {
      assertThat(refused).hasMessageContaining("is being repaired");
      return;
    }
    throw new AssertionError("the normal cycle ran during a repair");
  }

  static void assertGeneratorsPastTheirKeys(String workstation, int residue) throws Exception {
    for (String table : List.of("customers", "orders")) {
      long highest = databases.queryLong(workstation, "SELECT coalesce(max(id), 0) FROM shop." + table + " WHERE id % 10 = " + residue);
      long next = databases.queryLong(workstation, "SELECT nextval('shop." + table + "_id_seq')");
      assertThat(next).as(workstation + " " + table).isGreaterThan(highest);
    }
  }

  static void assertEveryRepairStepFinishedOnce(List<AuditEvent> events, boolean approved) {
    Map<String, Long> finished = events.stream().filter(e -> e.type().equals("STEP_FINISHED"))
        .collect(Collectors.groupingBy(AuditEvent::step, Collectors.counting()));
    for (String step : WorkstationRepairRunbook.PASS) {
      assertThat(finished.get(step)).as(step + " in " + finished).isEqualTo(1L);
    }
    assertThat(finished.get("diagnose")).isEqualTo(1L);
    assertThat(finished.get(WorkstationRepairRunbook.RECHECK_PLAN)).as("the recheck, after an approval only").isEqualTo(approved ? 1L : null);
  }

  /**
   * Waits until a pass of the run has asked the server for everything missing and gone back to its timer: a pass writes
   * one request per gap, one after the other, so the first request seen may not be the last of its pass, and a server
   * answering then would leave a gap unanswered for good.
   */
  void awaitRetransmissionAsked(ReplicationServer server, String workstation, String id) {
    await().atMost(Duration.ofSeconds(60)).until(() -> !server.mailbox(workstation).requests().isEmpty()
        && runtime.getActiveActivityIds(id).contains(WorkstationRepairProcess.Elements.RETRANSMISSION_WAIT));
  }
}
