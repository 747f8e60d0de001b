package io.rebound.runbook;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.startRestore;
import static io.rebound.testsupport.Runs.trail;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Four eyes attacked as a user of the running application would, over HTTP: every way of placing a token
 * past the approval, of changing what was asked, or of letting the requester hold the approval, refused
 * for everyone (administrators and members of both groups included), with nothing run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FourEyesIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
  }

  @Autowired IdentityService identity;
  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired RepositoryService repository;
  @LocalServerPort int port;

  @BeforeAll
  static void dumpSchema() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
  }

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_Preflight\"}]",
      "[{\"type\":\"startAfterActivity\",\"activityId\":\"StartEvent_RestoreRequested\"}]",
      "[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_ResetSchema\"}]",
      "[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_Verify\"}]",
      "[{\"type\":\"startTransition\",\"transitionId\":\"Flow_ToReset\"}]",
      "[{\"type\":\"startBeforeActivity\",\"activityId\":\"StartEvent_RestoreRequested\"},{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_ResetSchema\"}]",
  })
  void shouldRefuseStartInstructionsForEveryoneAndCreateNothing(String instructions) throws Exception {
    Http http = http();
    long before = history.createHistoricProcessInstanceQuery().count();
    for (String user : List.of(TestUsers.BOTH, TestUsers.ADMIN)) {
      for (boolean skipListeners : List.of(false, true)) {
        String body = "{\"variables\":" + variables() + ",\"startInstructions\":" + instructions
            + ",\"skipCustomListeners\":" + skipListeners + ",\"skipIoMappings\":" + skipListeners + "}";
        Http.Answer answer = http.post("/engine-rest/process-definition/key/schema-restore/start", user, PW, body);
        assertThat(answer.status()).as(user + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.json().get("message").asText()).contains("start instructions", "refused");
      }
    }
    assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(before);
  }

  @Test
  void shouldRefuseStartInstructionsIntoAComparisonToo() {
    Http http = http();
    long before = history.createHistoricProcessInstanceQuery().count();
    String body = "{\"variables\":{\"source\":{\"value\":\"it\"},\"destination\":{\"value\":\"it\"},\"tables\":{\"value\":\"a.b\"}},"
        + "\"startInstructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_Summarise\"}]}";
    Http.Answer answer = http.post("/engine-rest/process-definition/key/table-compare/start", TestUsers.ADMIN, PW, body);
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    assertThat(history.createHistoricProcessInstanceQuery().count()).isEqualTo(before);
  }

  @Test
  void shouldRefuseModificationRestartAndMigrationOfARunAndLeaveItWaiting() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String definitionId = runtime.createProcessInstanceQuery().processInstanceId(id).singleResult().getProcessDefinitionId();
    String reset = "[{\"type\":\"startBeforeActivity\",\"activityId\":\"Task_ResetSchema\"}]";
    String ids = "[\"" + id + "\"]";
    Map<String, String> attacks = new HashMap<>();
    attacks.put("/engine-rest/process-instance/" + id + "/modification", "{\"instructions\":" + reset + "}");
    attacks.put("/engine-rest/process-instance/" + id + "/modification-async", "{\"instructions\":" + reset + "}");
    attacks.put("/engine-rest/modification/execute",
        "{\"processDefinitionId\":\"" + definitionId + "\",\"instructions\":" + reset + ",\"processInstanceIds\":" + ids + ",\"skipCustomListeners\":true}");
    attacks.put("/engine-rest/modification/executeAsync",
        "{\"processDefinitionId\":\"" + definitionId + "\",\"instructions\":" + reset + ",\"processInstanceIds\":" + ids + "}");
    attacks.put("/engine-rest/process-definition/" + definitionId + "/restart",
        "{\"instructions\":" + reset + ",\"processInstanceIds\":" + ids + "}");
    attacks.put("/engine-rest/process-definition/" + definitionId + "/restart-async",
        "{\"instructions\":" + reset + ",\"processInstanceIds\":" + ids + "}");
    String plan = "{\"sourceProcessDefinitionId\":\"" + definitionId + "\",\"targetProcessDefinitionId\":\"" + definitionId
        + "\",\"instructions\":[{\"sourceActivityIds\":[\"UserTask_ApproveReset\"],\"targetActivityIds\":[\"UserTask_ApproveReset\"]}]}";
    attacks.put("/engine-rest/migration/execute", "{\"migrationPlan\":" + plan + ",\"processInstanceIds\":" + ids + "}");
    attacks.put("/engine-rest/migration/executeAsync", "{\"migrationPlan\":" + plan + ",\"processInstanceIds\":" + ids + "}");
    attacks.put("/engine-rest/process-instance/variables-async",
        "{\"processInstanceIds\":" + ids + ",\"variables\":{\"safetyExport\":{\"value\":false,\"type\":\"Boolean\"}}}");

    attacks.forEach((path, body) -> {
      Http.Answer answer = http.post(path, TestUsers.ADMIN, PW, body);
      assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).as(path).contains("refused");
    });

    JsonNode activities = http.get("/engine-rest/process-instance/" + id + "/activity-instances", TestUsers.ADMIN, PW).json();
    assertThat(activities.get("childActivityInstances")).hasSize(1);
    assertThat(activities.get("childActivityInstances").get(0).get("activityId").asText()).isEqualTo("UserTask_ApproveReset");
    assertThat(http.get("/engine-rest/batch", TestUsers.ADMIN, PW).json()).isEmpty();
    assertThat(trail(http, id)).doesNotContain("STEP_STARTED reset");
  }

  @Test
  void shouldRefuseEveryChangeToTheRunsVariablesAndRunWhatWasAsked() throws Exception {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String taskId = approvalTask(http, id);

    Map<String, Object> extra = Map.of(
        "approved", typed(true, "Boolean"),
        "schemaOwner", typed("winstore_app", "String"),
        "safetyExport", typed(false, "Boolean"),
        "keyTables", typed("ORDERS", "String"),
        "referenceTarget", typed("it", "String"));
    for (String action : List.of("complete", "submit-form")) {
      Http.Answer answer = http.post("/engine-rest/task/" + taskId + "/" + action, TestUsers.APPROVER, PW, Map.of("variables", extra));
      assertThat(answer.status()).as(action + ": " + answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).contains("cannot be changed from outside");
    }

    // An approver holds TASK_WORK on the approval, not UPDATE: the engine's own authorization refuses.
    Http.Answer putByApprover = http.put("/engine-rest/task/" + taskId + "/variables/keyTables", TestUsers.APPROVER, PW, typed("ORDERS", "String"));
    assertThat(putByApprover.status()).as(putByApprover.body()).isEqualTo(403);
    // An administrator may do anything Camunda allows, but not change a run behind its approval.
    List<Http.Answer> byAdmin = List.of(
        http.put("/engine-rest/task/" + taskId + "/variables/keyTables", TestUsers.ADMIN, PW, typed("ORDERS", "String")),
        http.put("/engine-rest/task/" + taskId + "/localVariables/approved", TestUsers.ADMIN, PW, typed(true, "Boolean")),
        http.post("/engine-rest/task/" + taskId + "/variables", TestUsers.ADMIN, PW, Map.of("modifications", Map.of("safetyExport", typed(false, "Boolean")))),
        http.put("/engine-rest/process-instance/" + id + "/variables/safetyExport", TestUsers.ADMIN, PW, typed(false, "Boolean")),
        http.put("/engine-rest/process-instance/" + id + "/variables/planHash", TestUsers.ADMIN, PW, typed("0", "String")),
        http.post("/engine-rest/process-instance/" + id + "/variables", TestUsers.ADMIN, PW, Map.of("modifications", Map.of("importDone", typed(true, "Boolean")))),
        http.delete("/engine-rest/process-instance/" + id + "/variables/request", TestUsers.ADMIN, PW),
        http.post("/engine-rest/execution/" + id + "/localVariables", TestUsers.ADMIN, PW, Map.of("modifications", Map.of("referenceTarget", typed(null, "Null")))));
    for (Http.Answer answer : byAdmin) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(400);
      assertThat(answer.json().get("message").asText()).contains("cannot be changed from outside");
    }
    Http.Answer extraOnOurApi = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", true, "comment", "ok", "safetyExport", false));
    assertThat(extraOnOurApi.status()).as(extraOnOurApi.body()).isEqualTo(400);
    assertThat(approvalTask(http, id)).isEqualTo(taskId);

    Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true, "comment", "checked"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    awaitState(http, id, "COMPLETED");
    assertThat(trail(http, id)).containsSubsequence("APPROVED approval", "STEP_FINISHED safety-export", "STEP_FINISHED reset",
        "STEP_FINISHED verify", "ENDED end");
    JsonNode verified = JSON.readTree(event(http, id, "STEP_FINISHED", "verify").get("details").asText());
    List<String> counted = new ArrayList<>();
    verified.get("rowCounts").fieldNames().forEachRemaining(counted::add);
    assertThat(counted).containsExactlyInAnyOrder("products", "categories");
  }

  @Test
  void shouldNeverLetTheRequesterSeeClaimOrHoldTheApproval() {
    Http http = http();
    String id = startRestore(http, TestUsers.BOTH, DUMP);
    String taskId = approvalTask(http, id);

    assertThat(http.get("/engine-rest/task?processInstanceId=" + id, TestUsers.BOTH, PW).json()).isEmpty();
    assertThat(http.get("/engine-rest/task/" + taskId, TestUsers.BOTH, PW).status()).isIn(403, 404);
    assertThat(http.post("/engine-rest/task/" + taskId + "/claim", TestUsers.BOTH, PW, Map.of("userId", TestUsers.BOTH)).status()).isEqualTo(403);
    String filterId = http.get("/engine-rest/filter?name=Rebound%20approvals", TestUsers.BOTH, PW).json().get(0).get("id").asText();
    assertThat(http.get("/engine-rest/filter/" + filterId + "/list", TestUsers.BOTH, PW).body()).doesNotContain(taskId);
    assertThat(http.get("/engine-rest/filter/" + filterId + "/list", TestUsers.APPROVER, PW).body()).contains(taskId);

    // An approver cannot hand the task to anyone: assigning needs more than TASK_WORK.
    assertThat(http.post("/engine-rest/task/" + taskId + "/assignee", TestUsers.APPROVER, PW, Map.of("userId", TestUsers.BOTH)).status())
        .isEqualTo(403);
    // An administrator can assign and delegate, but never to the requester.
    List<Http.Answer> byAdmin = List.of(
        http.post("/engine-rest/task/" + taskId + "/assignee", TestUsers.ADMIN, PW, Map.of("userId", TestUsers.BOTH)),
        http.post("/engine-rest/task/" + taskId + "/delegate", TestUsers.ADMIN, PW, Map.of("userId", TestUsers.BOTH)),
        http.post("/engine-rest/task/" + taskId + "/claim", TestUsers.ADMIN, PW, Map.of("userId", TestUsers.BOTH)),
        http.put("/engine-rest/task/" + taskId, TestUsers.ADMIN, PW, Map.of("name", "Approve reset", "owner", TestUsers.BOTH)));
    for (Http.Answer answer : byAdmin) {
      assertThat(answer.status()).as(answer.body()).isEqualTo(403);
      assertThat(answer.body()).contains("four eyes");
    }
    JsonNode task = http.get("/engine-rest/task/" + taskId, TestUsers.ADMIN, PW).json();
    assertThat(task.get("assignee").isNull()).isTrue();
    assertThat(task.get("owner").isNull()).isTrue();

    assertThat(http.post("/engine-rest/task/" + taskId + "/claim", TestUsers.APPROVER, PW, Map.of("userId", TestUsers.APPROVER)).status())
        .isEqualTo(204);
    Http.Answer rejected = http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", false, "comment", "not now"));
    assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
    awaitState(http, id, "REJECTED");
  }

  private static String variables() {
    return "{\"target\":{\"value\":\"" + PostgresServers.TARGET + "\"},\"profile\":{\"value\":\"winstore\"},\"dumpFile\":{\"value\":\"" + DUMP + "\"}}";
  }

}
