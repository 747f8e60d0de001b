package io.rebound.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rebound.audit.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Runs driven over HTTP as people drive them: started, awaited in a state, their approval found, their trail read. */
public final class Runs {

  private static final String PW = TestUsers.PASSWORD;

  private Runs() {}

  /** Starts a schema restore of the test target with the winstore profile as {@code user}; returns once it waits for approval. */
  public static String startRestore(Http http, String user, String dumpFile) {
    Http.Answer started = http.post("/api/schema-restores", user, PW,
        Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", dumpFile));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    JsonNode approval = http.get("/engine-rest/task?processInstanceId=" + id, TestUsers.ADMIN, PW).json().get(0);
    assertThat(approval.get("name").asText()).as("the approval says what is asked")
        .startsWith("Approve reset of ").endsWith(" on " + PostgresServers.TARGET + " (" + dumpFile + ")");
    return id;
  }

  /** The run's open approval task as an administrator sees it, or null when there is none. */
  public static String approvalTask(Http http, String id) {
    JsonNode tasks = http.get("/engine-rest/task?processInstanceId=" + id, TestUsers.ADMIN, PW).json();
    return tasks.isEmpty() ? null : tasks.get(0).get("id").asText();
  }

  /** Gives the run's failed job (its incident) one more retry, as an administrator does from the engine's REST API. */
  public static void retryFailedJob(Http http, String id) {
    String jobId = http.get("/engine-rest/job?processInstanceId=" + id + "&noRetriesLeft=true", TestUsers.ADMIN, PW).json()
        .get(0).get("id").asText();
    Http.Answer retried = http.put("/engine-rest/job/" + jobId + "/retries", TestUsers.ADMIN, PW, Map.of("retries", 1));
    assertThat(retried.status()).as(retried.body()).isEqualTo(204);
  }

  /** Every step of a schema restore started once, and its import finished once, by the audit trail. */
  public static void assertEveryRestoreStepRanOnce(List<AuditEvent> events) {
    Map<String, Long> starts = events.stream().filter(e -> e.type().equals("STEP_STARTED"))
        .collect(Collectors.groupingBy(AuditEvent::step, Collectors.counting()));
    assertThat(starts).containsOnly(Map.entry("preflight", 1L), Map.entry("recheck-plan", 1L), Map.entry("safety-export", 1L),
        Map.entry("reset", 1L), Map.entry("bootstrap", 1L), Map.entry("import", 1L), Map.entry("verify", 1L));
    assertThat(events.stream().filter(e -> e.type().equals("STEP_FINISHED") && "import".equals(e.step())).count()).isEqualTo(1);
  }

  /** A variable as the engine's REST API takes it. */
  public static Map<String, Object> typed(Object value, String type) {
    Map<String, Object> typed = new HashMap<>();
    typed.put("value", value);
    typed.put("type", type);
    return typed;
  }

  /** The run's audit trail as "TYPE step", oldest first. */
  public static List<String> trail(Http http, String id) {
    List<String> trail = new ArrayList<>();
    audit(http, id).forEach(e -> trail.add(e.get("type").asText() + " " + e.get("step").asText()));
    return trail;
  }

  /** The run's audit trail in words, for assertion messages. */
  public static String describe(Http http, String id) {
    List<String> trail = new ArrayList<>();
    audit(http, id).forEach(e -> trail.add(e.get("type").asText() + " " + e.get("step").asText() + " by " + e.get("actor").asText() + ": "
        + e.get("outcome").asText()));
    return String.join("; ", trail);
  }

  /** The run's first event of a type (and of a step, unless {@code step} is null). */
  public static JsonNode event(Http http, String id, String type, String step) {
    for (JsonNode event : audit(http, id)) {
      if (event.get("type").asText().equals(type) && (step == null || event.get("step").asText().equals(step))) {
        return event;
      }
    }
    throw new AssertionError("no " + type + (step == null ? "" : " " + step) + " in " + describe(http, id));
  }

  /** Waits (at most 90 s) for the run to be in {@code state}; returns what the API said then. */
  public static JsonNode awaitState(Http http, String id, String state) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      Http.Answer answer = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW);
      last[0] = answer.json();
      assertThat(last[0].get("state").asText()).as(answer.body()).isEqualTo(state);
    });
    return last[0];
  }

  private static JsonNode audit(Http http, String id) {
    return http.get("/api/recoveries/" + id + "/audit", TestUsers.OPERATOR, PW).json();
  }
}
