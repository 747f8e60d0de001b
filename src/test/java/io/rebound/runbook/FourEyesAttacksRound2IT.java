package io.rebound.runbook;

import static io.rebound.testsupport.Runs.approvalTask;
import static io.rebound.testsupport.Runs.awaitState;
import static io.rebound.testsupport.Runs.describe;
import static io.rebound.testsupport.Runs.event;
import static io.rebound.testsupport.Runs.startRestore;
import static io.rebound.testsupport.Runs.trail;
import static io.rebound.testsupport.Runs.typed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.config.ReboundGroups;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Four eyes attacked again from outside, over HTTP, where the guards added after the first attacks stand:
 * the record of identity changes and the approver's password check, the command guard's edges, the
 * variable guard on child executions and delegated approvals, and what removing the runbooks' deployment
 * leaves in the trail. A test that shows a way through asserts what should happen and is disabled with the
 * reason until the hole is closed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FourEyesAttacksRound2IT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;
  /** A configured secret of a target (the reference's password; its server trusts local connections and ignores it). */
  static final String TARGET_SECRET = "Sesame42";
  static final AtomicInteger USERS = new AtomicInteger();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.targets.ref.password", () -> TARGET_SECRET);
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @BeforeAll
  static void dumpSchema() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
  }

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  /** A new user of the given groups, made as Rebound's own demo and bootstrap code makes users (no authenticated actor). */
  String newUser(String prefix, String... groups) {
    String id = prefix + USERS.incrementAndGet();
    TestUsers.user(identity, id, groups);
    return id;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The approver's password check: "an approver whose password was last set by the requester cannot approve".

  @Test
  void shouldNotLetAnAdministratorRequestAndApproveThroughTwoAccountsWhosePasswordsTheySet() {
    Http http = http();
    String operator = newUser("puppetop", ReboundGroups.OPERATORS);
    String approver = newUser("puppetappr", ReboundGroups.APPROVERS);
    // The administrator is neither the requester nor the approver: only the accounts' passwords are theirs.
    Http.Answer opReset = http.put("/engine-rest/user/" + operator + "/credentials", TestUsers.ADMIN, PW,
        Map.of("password", "Known-To-Admin-1", "authenticatedUserPassword", PW));
    Http.Answer apprReset = http.put("/engine-rest/user/" + approver + "/credentials", TestUsers.ADMIN, PW,
        Map.of("password", "Known-To-Admin-2", "authenticatedUserPassword", PW));
    assertThat(List.of(opReset.status(), apprReset.status())).as(opReset.body() + " | " + apprReset.body()).containsOnly(204);

    String id = start(http, operator, "Known-To-Admin-1");
    try {
      Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", approver, "Known-To-Admin-2", Map.of("approved", true, "comment", "ok"));
      assertThat(approved.status()).as("approval " + approved.body() + "; trail " + describe(http, id)).isEqualTo(403);
      assertThat(trail(http, id)).doesNotContain("APPROVED approval");
    } finally {
      cancel(http, id);
    }
  }

  @Test
  void shouldNotLetAnAdministratorApproveARunTheyRequestedUnderAnAccountWhosePasswordTheySet() {
    Http http = http();
    String operator = newUser("borrowedop", ReboundGroups.OPERATORS);
    Http.Answer reset = http.put("/engine-rest/user/" + operator + "/credentials", TestUsers.ADMIN, PW,
        Map.of("password", "Known-To-Admin-3", "authenticatedUserPassword", PW));
    assertThat(reset.status()).as(reset.body()).isEqualTo(204);
    String id = start(http, operator, "Known-To-Admin-3");
    // Joining the approvers is recorded, not refused: an administrator may approve other people's runs.
    Http.Answer joined = http.put("/engine-rest/group/" + ReboundGroups.APPROVERS + "/members/" + TestUsers.ADMIN, TestUsers.ADMIN, PW, Map.of());
    try {
      Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", TestUsers.ADMIN, PW, Map.of("approved", true, "comment", "ok"));
      assertThat(approved.status()).as("joined " + joined.status() + "; approval " + approved.body() + "; trail " + describe(http, id))
          .isEqualTo(403);
      assertThat(trail(http, id)).doesNotContain("APPROVED approval");
    } finally {
      http.delete("/engine-rest/group/" + ReboundGroups.APPROVERS + "/members/" + TestUsers.ADMIN, TestUsers.ADMIN, PW);
      cancel(http, id);
    }
  }

  @Test
  void shouldNotLetAnAdministratorApproveTheirOwnRunAfterSettingAnApproversPasswordAsThem() {
    Http http = http();
    String approver = "selfset" + USERS.incrementAndGet();
    // The administrator creates the approver with a password of their choosing...
    Http.Answer created = http.post("/engine-rest/user/create", TestUsers.ADMIN, PW,
        Map.of("profile", Map.of("id", approver, "firstName", "Self", "lastName", "Set", "email", approver + "@example.org"),
            "credentials", Map.of("password", "Known-To-Admin-4")));
    Http.Answer member = http.put("/engine-rest/group/" + ReboundGroups.APPROVERS + "/members/" + approver, TestUsers.ADMIN, PW, Map.of());
    assertThat(List.of(created.status(), member.status())).as(created.body() + " | " + member.body()).containsOnly(204);
    Http.Answer started = http.post("/api/schema-restores", TestUsers.ADMIN, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    try {
      // ...refused as it stands: the approver's password was last set by the requester.
      assertThat(http.post("/api/recoveries/" + id + "/approval", approver, "Known-To-Admin-4", Map.of("approved", true)).status()).isEqualTo(403);
      // Then, knowing it, "the approver sets a password of their own", as the refusal asks.
      Http.Answer own = http.put("/engine-rest/user/" + approver + "/credentials", approver, "Known-To-Admin-4",
          Map.of("password", "Also-Known-To-Admin-5", "authenticatedUserPassword", "Known-To-Admin-4"));
      assertThat(own.status()).as(own.body()).isEqualTo(204);
      Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", approver, "Also-Known-To-Admin-5", Map.of("approved", true, "comment", "ok"));
      assertThat(approved.status()).as("approval " + approved.body() + "; trail " + describe(http, id)).isEqualTo(403);
      assertThat(trail(http, id)).doesNotContain("APPROVED approval");
    } finally {
      cancel(http, id);
    }
  }

  @Test
  void shouldRecordThePasswordChangeOfAnAccountWhoseNameHoldsAConfiguredSecret() throws Exception {
    Http http = http();
    // The redactor masks configured secrets wherever they appear, the audit step "password of <user>" included;
    // the approval looks the step up by the user's real name.
    String approver = TARGET_SECRET + "appr" + USERS.incrementAndGet();
    TestUsers.user(identity, approver, ReboundGroups.APPROVERS);
    Http.Answer started = http.post("/api/schema-restores", TestUsers.ADMIN, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    Http.Answer reset = http.put("/engine-rest/user/" + approver + "/credentials", TestUsers.ADMIN, PW,
        Map.of("password", "Known-To-Admin-6", "authenticatedUserPassword", PW));
    assertThat(reset.status()).as(reset.body()).isEqualTo(204);
    try {
      Http.Answer approved = http.post("/api/recoveries/" + id + "/approval", approver, "Known-To-Admin-6", Map.of("approved", true, "comment", "ok"));
      assertThat(approved.status()).as("approval " + approved.body() + "; identity steps " + identitySteps() + "; trail " + describe(http, id))
          .isEqualTo(403);
      assertThat(trail(http, id)).doesNotContain("APPROVED approval");
    } finally {
      cancel(http, id);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // "Every change to a user's password, a user, a group membership or an authorization is in the audit trail."

  @Test
  void shouldRecordTheMembershipsADeletedGroupTakesAway() throws Exception {
    Http http = http();
    String group = "r2group" + USERS.incrementAndGet();
    String user = newUser("member");
    Http.Answer created = http.post("/engine-rest/group/create", TestUsers.ADMIN, PW, Map.of("id", group, "name", "Nightly", "type", "WORKFLOW"));
    Http.Answer added = http.put("/engine-rest/group/" + group + "/members/" + user, TestUsers.ADMIN, PW, Map.of());
    assertThat(List.of(created.status(), added.status())).as(created.body() + " | " + added.body()).containsOnly(204);
    assertThat(identityOutcomes()).contains(user + " added to " + group);

    Http.Answer deleted = http.delete("/engine-rest/group/" + group, TestUsers.ADMIN, PW);
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
    assertThat(identity.createUserQuery().userId(user).memberOfGroup(group).count()).isZero();
    assertThat(identityOutcomes()).as("the membership is gone; the trail says").anyMatch(o -> o.contains(user) && o.contains(group)
        && (o.contains("removed") || o.contains("deleted")));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The variable guard: child executions, task-local variables, resolving, a decision left by a delegate.

  @Test
  void shouldRefuseVariablesSetOnTheApprovalsOwnExecutionOrTask() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String taskId = approvalTask(http, id);
    // The approval has a boundary timer, so it runs in a child execution of its own.
    String child = http.get("/engine-rest/execution?processInstanceId=" + id + "&activityId=UserTask_ApproveReset", TestUsers.ADMIN, PW)
        .json().get(0).get("id").asText();
    List<String> answers = new ArrayList<>();
    List<Http.Answer> attempts = List.of(
        http.put("/engine-rest/execution/" + child + "/localVariables/approved", TestUsers.ADMIN, PW, typed(true, "Boolean")),
        http.post("/engine-rest/execution/" + child + "/localVariables", TestUsers.ADMIN, PW,
            Map.of("modifications", Map.of("planHash", typed("0", "String")))),
        http.put("/engine-rest/task/" + taskId + "/localVariables/approved", TestUsers.ADMIN, PW, typed(true, "Boolean")),
        http.post("/engine-rest/task/" + taskId + "/localVariables", TestUsers.ADMIN, PW,
            Map.of("modifications", Map.of("comment", typed("pre-approved", "String")))));
    attempts.forEach(a -> answers.add(a.status() + " " + a.body()));
    assertThat(attempts).as(answers.toString()).allMatch(a -> a.status() == 400);
    assertThat(http.get("/engine-rest/process-instance/" + id + "/variables/approved", TestUsers.ADMIN, PW).status()).isEqualTo(404);
    assertThat(http.get("/engine-rest/task/" + taskId + "/localVariables", TestUsers.ADMIN, PW).json().size()).isZero();
    // Comments are not variables and no step reads them.
    assertThat(http.post("/engine-rest/task/" + taskId + "/comment/create", TestUsers.OPERATOR, PW, Map.of("message", "approved=true")).status())
        .isIn(200, 403);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval");
    cancel(http, id);
  }

  @Test
  void shouldNotLetAnApproverLeaveADecisionInARunByResolvingTheApproval() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String taskId = approvalTask(http, id);
    // Resolving is for a delegated task; this one is not delegated, and resolving completes nothing.
    Http.Answer resolved = http.post("/engine-rest/task/" + taskId + "/resolve", TestUsers.APPROVER, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"), "comment", typed("looked at it", "String"))));
    Http.Answer approved = http.get("/engine-rest/process-instance/" + id + "/variables/approved", TestUsers.ADMIN, PW);
    try {
      assertThat(approved.status()).as("resolve " + resolved.status() + " " + resolved.body() + "; approved " + approved.body()
          + "; task " + http.get("/engine-rest/task/" + taskId, TestUsers.ADMIN, PW).body() + "; trail " + describe(http, id)).isEqualTo(404);
      assertThat(resolved.status()).isEqualTo(400);
    } finally {
      cancel(http, id);
    }
  }

  @Test
  void shouldNotLetSomeoneOutsideTheApproversPutADecisionIntoARun() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String taskId = approvalTask(http, id);
    // An administrator delegates the approval to someone who is no approver; their form resolves the task.
    Http.Answer delegated = http.post("/engine-rest/task/" + taskId + "/delegate", TestUsers.ADMIN, PW, Map.of("userId", TestUsers.OUTSIDER));
    assertThat(delegated.status()).as(delegated.body()).isEqualTo(204);
    Http.Answer submitted = http.post("/engine-rest/task/" + taskId + "/submit-form", TestUsers.OUTSIDER, PW,
        Map.of("variables", Map.of("approved", typed(true, "Boolean"), "comment", typed("checked with the DBA lead", "String"))));
    Http.Answer approved = http.get("/engine-rest/process-instance/" + id + "/variables/approved", TestUsers.ADMIN, PW);
    Http.Answer comment = http.get("/engine-rest/process-instance/" + id + "/variables/comment", TestUsers.ADMIN, PW);
    try {
      // The approval form an approver opens next shows the run's variables: approve ticked, a comment written.
      assertThat(approved.status()).as("submit " + submitted.status() + " " + submitted.body() + "; approved " + approved.body()
          + "; comment " + comment.body()).isEqualTo(404);
      assertThat(comment.status()).isEqualTo(404);
    } finally {
      cancel(http, id);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The command guard's edges.

  @Test
  void shouldRefuseRedeployingTheRunbooks() {
    Http http = http();
    JsonNode deployment = http.get("/engine-rest/deployment?sortBy=deploymentTime&sortOrder=desc", TestUsers.ADMIN, PW).json().get(0);
    Http.Answer redeployed = http.post("/engine-rest/deployment/" + deployment.get("id").asText() + "/redeploy", TestUsers.ADMIN, PW, Map.of());
    assertThat(redeployed.status()).as(redeployed.body()).isEqualTo(400);
    assertThat(redeployed.body()).contains("deploying a process is refused");
  }

  @Test
  void shouldNotReachTheApprovalThroughConditionsOrMessagesWithAProcessInstance() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    Map<String, Object> yes = Map.of("approved", typed(true, "Boolean"));
    List<Http.Answer> attempts = List.of(
        http.post("/engine-rest/condition", TestUsers.ADMIN, PW, Map.of("variables", yes, "processDefinitionId",
            http.get("/engine-rest/process-definition/key/schema-restore", TestUsers.ADMIN, PW).json().get("id").asText())),
        http.post("/engine-rest/message", TestUsers.ADMIN, PW, Map.of("messageName", "anything", "processInstanceId", id,
            "processVariablesLocal", yes, "variablesInResultEnabled", true, "resultEnabled", true)),
        http.post("/engine-rest/message", TestUsers.ADMIN, PW, Map.of("messageName", "anything", "processInstanceId", id,
            "processVariablesToTriggeredScope", yes, "resultEnabled", true)));
    List<String> answers = attempts.stream().map(a -> a.status() + " " + a.body()).toList();
    assertThat(attempts).as(answers.toString()).allMatch(a -> a.status() >= 400);
    assertThat(http.get("/engine-rest/process-instance/" + id + "/variables/approved", TestUsers.ADMIN, PW).status()).isEqualTo(404);
    assertThat(describe(http, id)).doesNotContain("APPROVED approval");
    cancel(http, id);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Last: removing the runbooks' deployment (the runbooks are gone for the rest of this application's life).

  @Test
  @Order(Integer.MAX_VALUE)
  void shouldNameWhoCancelledTheRunsOfADeletedDeployment() {
    Http http = http();
    String id = startRestore(http, TestUsers.OPERATOR, DUMP);
    String deployment = http.get("/engine-rest/process-definition/key/schema-restore", TestUsers.ADMIN, PW).json().get("deploymentId").asText();
    Http.Answer deleted = http.delete("/engine-rest/deployment/" + deployment + "?cascade=true&skipCustomListeners=true&skipIoMappings=true",
        TestUsers.ADMIN, PW);
    for (int attempt = 0; attempt < 10 && deleted.status() != 204 && deleted.body().contains("No process instance found"); attempt++) {
      // a run of an earlier test ended between the engine listing the deployment's runs and deleting them
      deleted = http.delete("/engine-rest/deployment/" + deployment + "?cascade=true&skipCustomListeners=true&skipIoMappings=true",
          TestUsers.ADMIN, PW);
    }
    Http.Answer another = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    String how = "delete " + deleted.status() + " " + deleted.body() + "; a new run " + another.status() + " " + another.body() + "; trail "
        + describe(http, id);
    if (deleted.status() == 204) {
      JsonNode ended = event(http, id, "ENDED", null);
      assertThat(ended.get("actor").asText()).as(how).isEqualTo(TestUsers.ADMIN);
      assertThat(ended.get("outcome").asText()).as(how).startsWith("CANCELLED");
    } else {
      assertThat(http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json().get("state").asText()).as(how).isEqualTo("WAITING_FOR_APPROVAL");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private String start(Http http, String user, String password) {
    Http.Answer started = http.post("/api/schema-restores", user, password,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    return id;
  }

  /**
   * Cancels a run that may have been approved, before its destructive steps get far (a deletion that meets a
   * step committing is tried again).
   */
  private static void cancel(Http http, String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      http.delete("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW);
      return http.get("/engine-rest/process-instance/" + id, TestUsers.ADMIN, PW).status() == 404;
    });
  }

  private static List<String> identityOutcomes() throws Exception {
    return identityColumn("outcome");
  }

  private static List<String> identitySteps() throws Exception {
    return identityColumn("step");
  }

  private static List<String> identityColumn(String column) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(servers.engineUrl(), "postgres", "");
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT " + column + " FROM rebound_audit WHERE event_type = 'IDENTITY_CHANGED' ORDER BY id")) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
