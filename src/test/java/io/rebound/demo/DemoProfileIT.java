package io.rebound.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.target.Targets;
import io.rebound.testsupport.Directories;
import io.rebound.testsupport.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A newcomer's first minute: no profile chosen, so the demo starts with the engine on an H2 file, an
 * embedded PostgreSQL as target {@code demo} with the WINSTORE schema and its dump, and the demo users;
 * the whole restore runs from REST as operator and approver.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DemoProfileIT {

  static Path data;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    // Under target/, emptied first: a temporary directory would be left behind by every run (the demo's
    // database server still uses it when the class ends).
    data = Path.of("target", "demo-profile-it").toAbsolutePath();
    Directories.delete(data);
    Files.createDirectories(data);
    // Only the location moves (to leave ./data alone); the engine database is the demo's default H2 file.
    registry.add("rebound.data-directory", data::toString);
    registry.add("rebound.steps.poll-interval", () -> "PT1S");
    registry.add("camunda.bpm.job-execution.wait-time-in-millis", () -> "50");
    registry.add("camunda.bpm.job-execution.max-wait", () -> "200");
  }

  @Autowired Targets targets;
  @LocalServerPort int port;

  @Test
  void shouldRunTheWholeDemoRestoreWithTheDemoUsers(CapturedOutput output) {
    assertThat(output.getAll()).contains("Rebound is running with the DEMO profile");
    assertThat(targets.names()).contains("demo");
    assertThat(data.resolve("demo/dumps/" + DemoTarget.DUMP_FILE)).exists();
    // The demo's engine database is its own, never the one the prod profile opens in the same directory.
    assertThat(data.resolve("demo/rebound-engine.mv.db")).exists();
    assertThat(data.resolve("rebound-engine.mv.db")).doesNotExist();
    Http http = new Http(port);
    // The demo's target is registered by a bean of its own; Tasklist's start form offers it all the same.
    Http.Answer startForm = http.get("/engine-rest/process-definition/key/schema-restore/deployed-start-form", "operator", "demo");
    assertThat(startForm.status()).as(startForm.body()).isEqualTo(200);
    assertThat(startForm.json().findValuesAsText("value")).contains("demo");

    Http.Answer started = http.post("/api/schema-restores", "operator", "demo",
        Map.of("target", "demo", "profile", "winstore", "dumpFile", DemoTarget.DUMP_FILE));
    assertThat(started.status()).as(started.body()).isEqualTo(201);
    String id = started.json().get("id").asText();
    awaitState(http, id, "WAITING_FOR_APPROVAL");
    assertThat(http.post("/api/recoveries/" + id + "/approval", "approver", "demo", Map.of("approved", true)).status()).isEqualTo(200);
    awaitState(http, id, "COMPLETED");

    assertThat(http.get("/api/recoveries/" + id + "/audit?format=md", "admin", "demo").body()).contains("| State | COMPLETED |");
    // Each step's line in the application log carries the run it belongs to.
    assertThat(output.getAll()).contains("[run " + id + "] ").containsPattern("\\[run " + id + "\\] .*step preflight finished");
  }

  private static void awaitState(Http http, String id, String state) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90)).pollInterval(java.time.Duration.ofMillis(200))
        .until(() -> http.get("/api/recoveries/" + id, "operator", "demo").json().get("state").asText().equals(state));
  }
}
