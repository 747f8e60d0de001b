package io.rebound.api;

import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.PostgresServers.execute;
import static io.rebound.testsupport.PostgresServers.queryString;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.audit.AuditTrail;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The schema restore end to end: a real dump restored by pg_restore over a real PostgreSQL whose schema
 * holds different data, driven over HTTP by two people, the engine on PostgreSQL too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
// The context must stop (and its job executor with it) before the JVM's shutdown hooks stop the servers.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SchemaRestoreIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.targets." + PostgresServers.TARGET + ".lock-timeout", () -> "2s");
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired AuditTrail audit;
  @LocalServerPort int port;

  static Map<String, String> dumped;

  @BeforeAll
  static void dumpSchema() throws Exception {
    servers.createReference(servers.createWinstoreDump(DUMP, 0));
    dumped = servers.winstoreFingerprint();
  }

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  @Test
  void shouldRestoreTheDumpOverChangedDataAndRecordEveryStep() throws Exception {
    Http http = http();
    try (Connection target = servers.targetConnection()) {
      execute(target, "DELETE FROM winstore_admin.orders WHERE order_id % 3 = 0");
      execute(target, "UPDATE winstore_admin.products SET price = price + 1 WHERE product_id < 10");
      execute(target, "INSERT INTO winstore_admin.categories (name) VALUES ('Added after the dump')");
      execute(target, "CREATE TABLE winstore_admin.scratch (id int)");
      execute(target, "SELECT setval('winstore_admin.products_seq', 1)");
    }
    assertThat(servers.winstoreFingerprint()).isNotEqualTo(dumped);

    assertThat(identity.checkPassword(TestUsers.OPERATOR, PW)).isTrue();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();

    awaitState(http, id, "WAITING_FOR_APPROVAL");
    String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();
    assertThat(plan).contains("winstore_admin", "DROP SCHEMA IF EXISTS \"winstore_admin\" CASCADE", "pg_restore");

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", true, "comment", "dump of last night, checked"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    JsonNode done = awaitState(http, id, "COMPLETED");
    assertThat(done.get("progress").asInt()).isEqualTo(100);

    assertThat(servers.winstoreFingerprint()).isEqualTo(dumped);
    try (Connection target = servers.targetConnection()) {
      assertThat(queryString(target, "SELECT to_regclass('winstore_admin.scratch')")).isNull();
      long maxProduct = Long.parseLong(queryString(target, "SELECT max(product_id) FROM winstore_admin.products"));
      long nextProduct = Long.parseLong(queryString(target, "SELECT nextval('winstore_admin.products_seq')"));
      assertThat(nextProduct).isGreaterThan(maxProduct);
      long maxOrder = Long.parseLong(queryString(target, "SELECT max(order_id) FROM winstore_admin.orders"));
      assertThat(Long.parseLong(queryString(target, "SELECT nextval('winstore_admin.orders_order_id_seq')"))).isGreaterThan(maxOrder);
      assertThat(queryString(target, "SELECT rolpassword FROM pg_authid WHERE rolname = 'winstore_app'")).startsWith("SCRAM-SHA-256$");
      assertThat(queryString(target, "SELECT has_table_privilege('winstore_read', 'winstore_admin.products', 'SELECT')")).isEqualTo("t");
    }
    assertThat(servers.dumpDirectory().resolve("rebound-safety-winstore_admin-" + id.replace("-", "").substring(0, 12) + ".dump")).exists();

    JsonNode events = http.get("/api/recoveries/" + id + "/audit", TestUsers.OPERATOR, PW).json();
    List<String> trail = new ArrayList<>();
    events.forEach(e -> trail.add(e.get("type").asText() + " " + e.get("step").asText() + " " + e.get("actor").asText()));
    assertThat(trail).containsSubsequence(
        "REQUESTED request op",
        "STEP_STARTED preflight rebound", "PLAN_COMPUTED preflight rebound", "STEP_FINISHED preflight rebound",
        "APPROVED approval appr",
        "STEP_FINISHED recheck-plan rebound",
        "STEP_STARTED safety-export rebound", "STEP_FINISHED safety-export rebound",
        "STEP_STARTED reset rebound", "STEP_FINISHED reset rebound",
        "STEP_STARTED bootstrap rebound", "STEP_FINISHED bootstrap rebound",
        "STEP_STARTED import rebound", "STEP_FINISHED import rebound",
        "STEP_STARTED verify rebound", "STEP_FINISHED verify rebound",
        "ENDED end rebound");
    JsonNode reset = findEvent(events, "STEP_FINISHED", "reset");
    assertThat(reset.get("details").asText()).contains("DROP ROLE IF EXISTS \\\"winstore_app\\\"").contains("\"outcome\":\"ok\"");
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).get("previousHash").asText()).isNotBlank();
    }
    assertThat(audit.verify().intact()).isTrue();

    String report = http.get("/api/recoveries/" + id + "/audit?format=md", TestUsers.OPERATOR, PW).body();
    assertThat(report).contains("# Recovery " + id, "| State | COMPLETED |", "APPROVED");

    assertNoSecretAnywhere(id, events.toString() + report + plan);
  }

  @Test
  void shouldRaiseAnIncidentWhenTheTargetIsUnreachableAndFinishAfterARetry() throws Exception {
    Http http = http();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP, "safetyExport", false));
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    try (Connection other = DriverManager.getConnection(servers.targetUrl().replace("/postgres", "/template1"), "postgres", "")) {
      execute(other, "ALTER DATABASE postgres ALLOW_CONNECTIONS false");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);

      JsonNode failed = awaitState(http, id, "FAILED");
      assertThat(failed.get("incident").asText()).startsWith("Task_RecheckPlan: ").contains("not reachable");
      execute(other, "ALTER DATABASE postgres ALLOW_CONNECTIONS true");
    }
    Runs.retryFailedJob(http, id);

    awaitState(http, id, "COMPLETED");
    JsonNode events = http.get("/api/recoveries/" + id + "/audit", TestUsers.OPERATOR, PW).json();
    List<String> trail = new ArrayList<>();
    events.forEach(e -> trail.add(e.get("type").asText() + " " + e.get("step").asText() + " " + e.get("actor").asText()));
    assertThat(trail).containsSubsequence("APPROVED approval appr", "STEP_FAILED recheck-plan rebound", "STEP_FAILED recheck-plan rebound",
        "INCIDENT Task_RecheckPlan rebound", "RETRY Task_RecheckPlan adm", "STEP_FINISHED recheck-plan rebound", "ENDED end rebound");
  }

  @Test
  void shouldRaiseAnIncidentWhenALockHoldsTheResetAndFinishAfterARetry() throws Exception {
    Http http = http();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP, "safetyExport", false));
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    // A DBA's forgotten transaction, as a user the reset does not disconnect: the DROP waits for its lock.
    try (Connection dba = servers.targetConnection()) {
      dba.setAutoCommit(false);
      execute(dba, "LOCK TABLE winstore_admin.products IN ACCESS SHARE MODE");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);

      JsonNode failed = awaitState(http, id, "FAILED");
      assertThat(failed.get("incident").asText()).startsWith("Task_ResetSchema: ").contains("lock timeout");
      dba.rollback();
    }
    Runs.retryFailedJob(http, id);

    awaitState(http, id, "COMPLETED");
    assertThat(servers.winstoreFingerprint()).isEqualTo(dumped);
  }

  @Test
  void shouldShowTheApproverWhatTheResetDropsInOtherSchemas() throws Exception {
    Http http = http();
    try (Connection target = servers.targetConnection()) {
      execute(target, "CREATE SCHEMA reporting");
      execute(target, "CREATE VIEW reporting.product_names AS SELECT name FROM winstore_admin.products");
      execute(target, "CREATE TABLE reporting.notes (id bigint DEFAULT nextval('winstore_admin.products_seq'),"
          + " product_id int REFERENCES winstore_admin.products (product_id))");
    }
    try {
      Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
          Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP, "safetyExport", false));
      String id = started.json().get("id").asText();
      awaitState(http, id, "WAITING_FOR_APPROVAL");

      String plan = http.get("/api/recoveries/" + id + "/plan", TestUsers.APPROVER, PW).body();

      assertThat(plan).contains("ALSO DROPPED OR CHANGED OUTSIDE THE RESTORED SCHEMAS (3)", "rule _RETURN on view reporting.product_names",
          "default value for column id of table reporting.notes", "constraint notes_product_id_fkey on table reporting.notes");
      assertThat(plan).doesNotContain("table winstore_admin.");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", false)).status()).isEqualTo(200);
      awaitState(http, id, "REJECTED");
    } finally {
      try (Connection target = servers.targetConnection()) {
        execute(target, "DROP SCHEMA reporting CASCADE");
      }
    }
  }

  @Test
  void shouldCompareTheRestoredTablesWithTheReferenceTarget() throws Exception {
    Http http = http();
    String matching = restoreWithReference(http);
    awaitState(http, matching, "COMPLETED");
    assertThat(http.get("/api/recoveries/" + matching + "/audit", TestUsers.OPERATOR, PW).body()).contains("matches reference ref");
    // The comparison the restore called was started by a job, so the engine knows no start user; its requester is the restore's.
    String called = http.get("/api/runs/" + matching, TestUsers.OPERATOR, PW).json().get("calledRuns").get(0).get("id").asText();
    assertThat(history.createHistoricProcessInstanceQuery().processInstanceId(called).singleResult().getStartUserId()).isNull();
    assertThat(runIds(http.get("/api/runs?runbook=table-compare&requester=" + TestUsers.OPERATOR, TestUsers.APPROVER, PW).json()))
        .contains(called);
    assertThat(runIds(http.get("/api/runs?runbook=table-compare&requester=" + TestUsers.APPROVER, TestUsers.APPROVER, PW).json()))
        .doesNotContain(called);

    try (Connection reference = servers.referenceConnection()) {
      execute(reference, "UPDATE winstore_admin.products SET price = price + 1 WHERE product_id = 3");
    }
    String differing = restoreWithReference(http);
    JsonNode failed = awaitState(http, differing, "FAILED");
    assertThat(failed.get("failureReason").asText()).contains("differs from reference ref", "winstore_admin.products: 1 rows differ");
    try (Connection reference = servers.referenceConnection()) {
      execute(reference, "UPDATE winstore_admin.products SET price = price - 1 WHERE product_id = 3");
    }
  }

  private static List<String> runIds(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("runs").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  private String restoreWithReference(Http http) {
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP, "safetyExport", false, "referenceTarget", "ref"));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);
    return id;
  }

  @Test
  void shouldEndFailedWithoutAnIncidentWhenTheDumpIsMissing() {
    Http http = http();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", "not_there.dump"));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();

    JsonNode failed = awaitState(http, id, "FAILED");

    assertThat(failed.get("failureReason").asText()).contains("not_there.dump", "not present");
    assertThat(failed.get("incident").isNull()).isTrue();
    assertThat(http.get("/api/recoveries/" + id + "/audit", TestUsers.OPERATOR, PW).body())
        .contains("Error_DumpNotFound").contains("EndEvent_DumpNotFound");
  }

  @Test
  void shouldAnswer401WithoutOrWithWrongCredentials() {
    Http http = http();
    TestUsers.user(identity, "wrongpassword", io.rebound.config.ReboundGroups.OPERATORS);
    assertThat(http.get("/api/recoveries", null, null).status()).isEqualTo(401);
    assertThat(http.get("/engine-rest/process-definition", null, null).status()).isEqualTo(401);
    assertThat(http.get("/api/recoveries", "wrongpassword", "not-the-password").status()).isEqualTo(401);
  }

  @Test
  void shouldAnswer403ToAUserOutsideTheGroups() {
    Http http = http();
    long before = history.createHistoricProcessInstanceQuery().count();
    Http.Answer start = http.post("/api/schema-restores", TestUsers.OUTSIDER, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(start.status()).as(start.body()).isEqualTo(403);
    Http.Answer engineStart = http.post("/engine-rest/process-definition/key/schema-restore/start", TestUsers.OUTSIDER, PW,
        Map.of("variables", Map.of("target", value(PostgresServers.TARGET), "profile", value("winstore"), "dumpFile", value(DUMP))));
    // The engine's own API hides what a user may not read: the definition is "not found" to outsiders.
    assertThat(engineStart.status()).as(engineStart.body()).isIn(403, 404);
    assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(before);
  }

  @Test
  void shouldRefuseSelfApprovalInTheEngine() {
    Http http = http();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.BOTH, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");

    Http.Answer own = http.post("/api/recoveries/" + id + "/approval", TestUsers.BOTH, PW, Map.of("approved", true));
    assertThat(own.status()).as(own.body()).isEqualTo(403);
    assertThat(own.json().get("message").asText()).contains("four eyes");
    // Tried again and again, refused every time, written to the trail once.
    for (int attempt = 0; attempt < 5; attempt++) {
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.BOTH, PW, Map.of("approved", true)).status()).isEqualTo(403);
    }
    JsonNode tried = http.get("/api/recoveries/" + id + "/audit", TestUsers.BOTH, PW).json();
    long refusals = 0;
    for (JsonNode event : tried) {
      refusals += event.toString().contains("APPROVAL_REFUSED") ? 1 : 0;
    }
    assertThat(refusals).as(tried.toString()).isEqualTo(1);

    // The engine does not even show the requester the approval of their own run.
    assertThat(http.get("/engine-rest/task?processInstanceId=" + id, TestUsers.BOTH, PW).json()).isEmpty();
    String taskId = http.get("/engine-rest/task?processInstanceId=" + id, TestUsers.APPROVER, PW).json().get(0).get("id").asText();
    Http.Answer viaEngine = http.post("/engine-rest/task/" + taskId + "/complete", TestUsers.BOTH, PW,
        Map.of("variables", Map.of("approved", Map.of("value", true, "type", "Boolean"))));
    assertThat(viaEngine.status()).as(viaEngine.body()).isEqualTo(403);

    assertThat(http.get("/api/recoveries/" + id, TestUsers.BOTH, PW).json().get("state").asText()).isEqualTo("WAITING_FOR_APPROVAL");
    JsonNode events = http.get("/api/recoveries/" + id + "/audit", TestUsers.BOTH, PW).json();
    assertThat(events.toString()).contains("APPROVAL_REFUSED").doesNotContain("\"APPROVED\"");

    Http.Answer rejected = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", false, "comment", "not now"));
    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
    awaitState(http, id, "REJECTED");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "schemaOwner | WINSTORE'ADMIN          | not a valid",
      "schemaOwner | WINSTORE_ADMIN;DROP USER | not a valid",
      "schemaOwner | postgres                | system account",
      "schemaOwner | A234567890123456789012345678901234567890123456789012345678901234567890 | longer than 63",
      "companionUsers | WINSTORE_APP;X       | not a valid",
      "dumpFile    | ../etc/passwd           | without path parts",
      "dumpFile    | backups/winstore.dump   | without path parts",
      "dumpFile    | win..store.dump         | without path parts",
      "dumpFile    | 'a\\b.dump'            | without path parts",
      "dumpFile    | winstore_%U.dump        | pg_restore reads one file",
      "dumpFile    | ../winstore_%U.dump     | without path parts",
      "keyTables   | PRODUCTS\"; --          | not a valid",
      "target      | nowhere                 | unknown target",
  })
  void shouldAnswer400ToBadInputAndStartNothing(String field, String badValue, String message) {
    Http http = http();
    long before = history.createHistoricProcessInstanceQuery().count();
    Map<String, Object> inputs = new java.util.HashMap<>(Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    inputs.put(field, badValue);

    Http.Answer api = http.post("/api/schema-restores", TestUsers.OPERATOR, PW, inputs);
    assertThat(api.status()).as(api.body()).isEqualTo(400);
    assertThat(api.json().get("message").asText()).contains(message);

    Map<String, Object> variables = new java.util.HashMap<>();
    inputs.forEach((name, value) -> variables.put(name, value(value)));
    Http.Answer engine = http.post("/engine-rest/process-definition/key/schema-restore/start", TestUsers.OPERATOR, PW,
        Map.of("variables", variables));
    assertThat(engine.status()).as(engine.body()).isEqualTo(400);
    assertThat(engine.json().get("message").asText()).contains(message);

    Http.Answer form = http.post("/engine-rest/process-definition/key/schema-restore/submit-form", TestUsers.OPERATOR, PW,
        Map.of("variables", variables));
    assertThat(form.status()).as(form.body()).isEqualTo(400);

    assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(before);
  }

  private static Map<String, Object> value(Object value) {
    return Map.of("value", value, "type", "String");
  }

  private void assertNoSecretAnywhere(String processInstanceId, String text) {
    assertThat(text).doesNotContain(PostgresServers.TARGET_PASSWORD).doesNotContain(PostgresServers.SCHEMA_PASSWORD);
    for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId).list()) {
      Object value = variable.getValue();
      String content = value instanceof byte[] bytes ? new String(bytes) : String.valueOf(value);
      assertThat(content).as(variable.getName()).doesNotContain(PostgresServers.TARGET_PASSWORD).doesNotContain(PostgresServers.SCHEMA_PASSWORD);
    }
  }

  private static JsonNode findEvent(JsonNode events, String type, String step) {
    for (JsonNode event : events) {
      if (event.get("type").asText().equals(type) && step.equals(event.get("step").asText())) {
        return event;
      }
    }
    throw new AssertionError("no " + type + " " + step + " in " + events);
  }

}
