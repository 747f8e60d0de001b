package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import io.rebound.testsupport.Webapp;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code /api/runs} over HTTP: the list and its filters, one run in detail, cancelling, and the webapps' session as a way in. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RunsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String DUMP = "winstore_full_backup.dump";
  static final String PW = TestUsers.PASSWORD;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    servers.properties().forEach((key, value) -> registry.add(key, () -> value));
    registry.add("rebound.targets." + PostgresServers.TARGET + ".lock-timeout", () -> "2s");
  }

  @Autowired IdentityService identity;
  @LocalServerPort int port;

  @BeforeAll
  static void dump() throws Exception {
    servers.createWinstoreDump(DUMP, 0);
  }

  Http http() {
    TestUsers.create(identity);
    return new Http(port);
  }

  @Test
  void shouldListRunsNewestFirstWithTargetRequesterAndStateAndFilterThem() {
    Http http = http();
    String older = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    String newer = Runs.startRestore(http, TestUsers.BOTH, DUMP);

    JsonNode all = http.get("/api/runs", TestUsers.APPROVER, PW).json();
    List<String> ids = ids(all);
    assertThat(ids).containsSubsequence(newer, older);
    JsonNode first = run(all, newer);
    assertThat(first.get("runbook").asText()).isEqualTo("schema-restore");
    assertThat(first.get("runbookTitle").asText()).isNotBlank();
    assertThat(first.get("target").asText()).isEqualTo(PostgresServers.TARGET);
    assertThat(first.get("requester").asText()).isEqualTo(TestUsers.BOTH);
    assertThat(first.get("state").asText()).isEqualTo("WAITING_FOR_APPROVAL");
    assertThat(first.get("currentStep").toString()).contains("Approve reset").doesNotContain("UserTask_");
    assertThat(first.get("inputs").get("dumpFile").asText()).isEqualTo(DUMP);

    assertThat(ids(http.get("/api/runs?requester=" + TestUsers.OPERATOR, TestUsers.APPROVER, PW).json())).contains(older).doesNotContain(newer);
    assertThat(ids(http.get("/api/runs?target=elsewhere", TestUsers.APPROVER, PW).json())).isEmpty();
    assertThat(ids(http.get("/api/runs?target=" + PostgresServers.TARGET + "&state=WAITING_FOR_APPROVAL", TestUsers.APPROVER, PW).json()))
        .contains(older, newer);
    assertThat(ids(http.get("/api/runs?state=COMPLETED", TestUsers.APPROVER, PW).json())).doesNotContain(older, newer);
    assertThat(ids(http.get("/api/runs?runbook=table-compare", TestUsers.APPROVER, PW).json())).doesNotContain(older, newer);

    JsonNode firstPage = http.get("/api/runs?size=1", TestUsers.APPROVER, PW).json();
    assertThat(firstPage.get("runs")).hasSize(1);
    assertThat(firstPage.get("more").asBoolean()).isTrue();
    JsonNode secondPage = http.get("/api/runs?size=1&page=1", TestUsers.APPROVER, PW).json();
    assertThat(ids(secondPage)).doesNotContainAnyElementsOf(ids(firstPage));

    Http.Answer badState = http.get("/api/runs?state=DONE", TestUsers.APPROVER, PW);
    assertThat(badState.status()).isEqualTo(400);
    assertThat(badState.json().get("message").asText()).contains("'state' must be one of");
    assertThat(http.get("/api/runs?size=0", TestUsers.APPROVER, PW).status()).isEqualTo(400);
    assertThat(http.get("/api/runs?runbook=nothing", TestUsers.APPROVER, PW).status()).isEqualTo(400);
    assertThat(http.get("/api/runs", TestUsers.OUTSIDER, PW).status()).isEqualTo(403);
    assertThat(http.get("/api/runs", null, null).status()).isEqualTo(401);
  }

  @Test
  void shouldShowAWaitingRunWithItsPlanAndTimelineAndLetItsRequesterCancelIt() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);

    JsonNode detail = http.get("/api/runs/" + id, TestUsers.APPROVER, PW).json();
    assertThat(detail.get("run").get("state").asText()).isEqualTo("WAITING_FOR_APPROVAL");
    assertThat(detail.get("plan").asText()).contains("DROP SCHEMA IF EXISTS \"winstore_admin\" CASCADE");
    assertThat(detail.get("planHash").asText()).hasSize(64);
    assertThat(detail.get("approvalTask").asText()).startsWith("/camunda/app/tasklist/default/#/?task=");
    List<String> timeline = new ArrayList<>();
    detail.get("timeline").forEach(s -> timeline.add(s.get("name").asText() + " " + s.get("outcome").asText()));
    assertThat(timeline).containsExactly("Preflight and plan DONE", "Approve reset RUNNING");
    assertThat(detail.get("cancellable").asBoolean()).as("an approver who did not ask for the run").isFalse();
    assertThat(http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("cancellable").asBoolean()).isTrue();
    assertThat(http.get("/api/runs/no-such-run", TestUsers.OPERATOR, PW).status()).isEqualTo(404);

    Http.Answer byApprover = http.post("/api/runs/" + id + "/cancel", TestUsers.APPROVER, PW, Map.of());
    assertThat(byApprover.status()).as(byApprover.body()).isEqualTo(403);
    assertThat(byApprover.json().get("message").asText()).contains("only the requester of this run (op) or an administrator");
    Http.Answer unknownField = http.post("/api/runs/" + id + "/cancel", TestUsers.OPERATOR, PW, Map.of("approved", true));
    assertThat(unknownField.status()).as(unknownField.body()).isEqualTo(400);

    Http.Answer cancelled = http.post("/api/runs/" + id + "/cancel", TestUsers.OPERATOR, PW, Map.of("reason", "wrong dump"));
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("run").get("state").asText()).isEqualTo("CANCELLED");
    assertThat(cancelled.json().get("run").get("failureReason").asText()).contains("cancelled by op: wrong dump");
    JsonNode ended = Runs.event(http, id, "ENDED", "end");
    assertThat(ended.get("outcome").asText()).startsWith("CANCELLED");
    assertThat(ended.get("actor").asText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(Runs.approvalTask(http, id)).isNull();

    Http.Answer again = http.post("/api/runs/" + id + "/cancel", TestUsers.OPERATOR, PW, null);
    assertThat(again.status()).as(again.body()).isEqualTo(409);
    assertThat(again.json().get("message").asText()).contains("the run is CANCELLED");
  }

  @Test
  void shouldLetAnAdministratorCancelAndRefuseARunThatMovedOn() {
    Http http = http();
    String waiting = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    Http.Answer cancelled = http.post("/api/runs/" + waiting + "/cancel", TestUsers.ADMIN, PW, null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(Runs.event(http, waiting, "ENDED", "end").get("actor").asText()).isEqualTo(TestUsers.ADMIN);

    String rejected = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    assertThat(http.post("/api/recoveries/" + rejected + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", false, "comment", "not tonight")).status()).isEqualTo(200);
    Runs.awaitState(http, rejected, "REJECTED");
    JsonNode detail = http.get("/api/runs/" + rejected, TestUsers.OPERATOR, PW).json();
    assertThat(detail.get("approval").get("decision").asText()).isEqualTo("REJECTED");
    assertThat(detail.get("approval").get("by").asText()).isEqualTo(TestUsers.APPROVER);
    assertThat(detail.get("approval").get("comment").asText()).isEqualTo("not tonight");
    assertThat(detail.get("run").get("failureReason").asText()).contains("not tonight");
    Http.Answer late = http.post("/api/runs/" + rejected + "/cancel", TestUsers.OPERATOR, PW, null);
    assertThat(late.status()).as(late.body()).isEqualTo(409);
  }

  @Test
  void shouldShowARecoveryWithItsTargetInputsRequesterStepInWordsAndTheRejectionComment() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);

    JsonNode waiting = http.get("/api/recoveries/" + id, TestUsers.APPROVER, PW).json();
    assertThat(waiting.get("target").asText()).isEqualTo(PostgresServers.TARGET);
    assertThat(waiting.get("inputs").get("dumpFile").asText()).isEqualTo(DUMP);
    assertThat(waiting.get("inputs").get("profile").asText()).isEqualTo("winstore");
    assertThat(waiting.get("requester").asText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(waiting.get("currentStep").toString()).contains("Approve reset").doesNotContain("UserTask_");
    assertThat(waiting.get("currentStepIds").toString()).contains("UserTask_");
    JsonNode listed = null;
    for (JsonNode recovery : http.get("/api/recoveries", TestUsers.APPROVER, PW).json()) {
      listed = recovery.get("id").asText().equals(id) ? recovery : listed;
    }
    assertThat(listed).as("listed").isNotNull();
    assertThat(listed.get("target").asText()).isEqualTo(PostgresServers.TARGET);
    assertThat(listed.get("requester").asText()).isEqualTo(TestUsers.OPERATOR);

    assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW,
        Map.of("approved", false, "comment", "wrong dump, take last night's")).status()).isEqualTo(200);
    JsonNode rejected = Runs.awaitState(http, id, "REJECTED");
    assertThat(rejected.get("failureReason").asText()).isEqualTo("rejected: wrong dump, take last night's");
    assertThat(rejected.get("currentStep")).isEmpty();
    assertThat(rejected.get("requester").asText()).isEqualTo(TestUsers.OPERATOR);
  }

  @Test
  void shouldShowAStepBeingRetriedThenItsIncidentAndLetAnAdministratorRetryIt() throws Exception {
    Http http = http();
    Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", DUMP, "safetyExport", false));
    String id = started.json().get("id").asText();
    Runs.awaitState(http, id, "WAITING_FOR_APPROVAL");
    // A forgotten transaction holds a lock the reset's DROP waits for, past the target's lock timeout.
    try (Connection dba = servers.targetConnection()) {
      dba.setAutoCommit(false);
      PostgresServers.execute(dba, "LOCK TABLE winstore_admin.products IN ACCESS SHARE MODE");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);

      JsonNode[] retrying = new JsonNode[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
        JsonNode run = http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("run");
        retrying[0] = run;
        return run.hasNonNull("retry") || run.get("state").asText().equals("FAILED");
      });
      JsonNode retry = retrying[0].get("retry");
      assertThat(retry).as("seen while the engine retries: " + retrying[0]).isNotNull();
      assertThat(retrying[0].get("state").asText()).isEqualTo("RUNNING");
      assertThat(retry.get("step").asText()).isEqualTo("Reset schema");
      assertThat(retry.get("attempt").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(retry.get("retriesLeft").asInt()).isPositive();
      assertThat(retry.get("lastError").asText()).contains("lock timeout");

      JsonNode failed = Runs.awaitState(http, id, "FAILED");
      assertThat(failed).isNotNull();
      JsonNode detail = http.get("/api/runs/" + id, TestUsers.ADMIN, PW).json();
      JsonNode incident = detail.get("incidents").get(0);
      assertThat(incident.get("step").asText()).isEqualTo("Reset schema");
      assertThat(incident.get("message").asText()).contains("lock timeout");
      assertThat(incident.get("retryAllowed").asBoolean()).isTrue();
      assertThat(incident.get("cockpit").asText()).isEqualTo("/camunda/app/cockpit/default/#/process-instance/" + id + "/runtime?tab=incidents-tab");
      assertThat(detail.get("run").get("incident").asText()).startsWith("Reset schema: ");
      assertThat(http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("incidents").get(0).get("retryAllowed").asBoolean()).isFalse();
      String incidentId = incident.get("id").asText();
      assertThat(http.post("/api/runs/" + id + "/incidents/" + incidentId + "/retry", TestUsers.OPERATOR, PW, null).status()).isEqualTo(403);
      assertThat(http.post("/api/runs/" + id + "/cancel", TestUsers.OPERATOR, PW, null).status()).as("past its approval").isEqualTo(409);
      dba.rollback();

      Http.Answer retried = http.post("/api/runs/" + id + "/incidents/" + incidentId + "/retry", TestUsers.ADMIN, PW, null);
      assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    }
    Runs.awaitState(http, id, "COMPLETED");
    assertThat(Runs.trail(http, id)).contains("RETRY Task_ResetSchema");
    JsonNode done = http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json();
    List<String> timeline = new ArrayList<>();
    done.get("timeline").forEach(s -> timeline.add(s.get("name").asText() + " " + s.get("outcome").asText()));
    assertThat(timeline).contains("Reset schema DONE", "Check import DONE", "Verify DONE");
    assertThat(done.get("run").get("progress").asInt()).isEqualTo(100);
    assertThat(done.get("run").get("approver").asText()).isEqualTo(TestUsers.APPROVER);
  }

  @Test
  void shouldAnswerTheSessionOfAWebappLoginAndRequireItsCsrfTokenForChanges() {
    Http http = http();
    String id = Runs.startRestore(http, TestUsers.OPERATOR, DUMP);
    Webapp session = Webapp.loggedIn(port, TestUsers.OPERATOR, PW, "tasklist");

    Http.Answer me = session.get("/api/me");
    assertThat(me.status()).as(me.body()).isEqualTo(200);
    assertThat(me.json().get("user").asText()).isEqualTo(TestUsers.OPERATOR);
    assertThat(ids(session.get("/api/runs").json())).contains(id);

    Webapp anonymous = new Webapp(port);
    assertThat(anonymous.get("/api/runs").status()).isEqualTo(401);

    // A page of another site can make the browser send the session cookie, never the token.
    Http.Answer withoutToken = sessionWithoutToken(TestUsers.OPERATOR).apply("/api/runs/" + id + "/cancel");
    assertThat(withoutToken.status()).as(withoutToken.body()).isEqualTo(403);
    assertThat(withoutToken.body()).contains("X-XSRF-TOKEN");
    assertThat(http.get("/api/runs/" + id, TestUsers.OPERATOR, PW).json().get("run").get("state").asText()).isEqualTo("WAITING_FOR_APPROVAL");

    Http.Answer cancelled = session.post("/api/runs/" + id + "/cancel", Map.of());
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("run").get("state").asText()).isEqualTo("CANCELLED");
  }

  /** A logged-in webapp session whose changes carry no CSRF token, or a wrong one: what a forged cross-site request sends. */
  private java.util.function.Function<String, Http.Answer> sessionWithoutToken(String user) {
    java.net.CookieManager cookies = new java.net.CookieManager();
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).build();
    String base = "http://localhost:" + port;
    return path -> {
      try {
        java.net.http.HttpResponse<String> first = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/camunda/app/admin/default/"))
            .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        String token = first.headers().firstValue("X-XSRF-TOKEN").orElseGet(() -> cookies.getCookieStore().getCookies().stream()
            .filter(c -> c.getName().equals("XSRF-TOKEN")).map(java.net.HttpCookie::getValue).findFirst().orElseThrow());
        java.net.http.HttpResponse<String> login = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/camunda/api/admin/auth/user/default/login/tasklist"))
            .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", token)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + PW)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        java.net.http.HttpResponse<String> wrong = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
            .header("Content-Type", "application/json").header("X-XSRF-TOKEN", "not-the-token")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(403);
        java.net.http.HttpResponse<String> none = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path))
            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Http.Answer(none.statusCode(), none.body());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("runs").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  private static JsonNode run(JsonNode page, String id) {
    for (JsonNode run : page.get("runs")) {
      if (run.get("id").asText().equals(id)) {
        return run;
      }
    }
    throw new AssertionError("no run " + id + " in " + page);
  }
}
