package io.rebound.api;

import static io.rebound.testsupport.PostgresServers.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditTrail;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.rebound.restore.SchemaRestoreProcess.Elements;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application stops in the middle of an import and is started again on the same engine database:
 * the run goes on from where it was, no finished step runs again, the import is not started twice.
 */
class CrashSafetyIT {

  static final PostgresServers servers = new PostgresServers();
  static final String PW = TestUsers.PASSWORD;

  @Test
  void shouldFinishTheRestoreAfterARestartInTheMiddleOfTheImport() throws Exception {
    // Enough rows that pg_restore is still at work when the application stops.
    servers.createWinstoreDump("big.dump", 400_000);
    Map<String, String> dumped = servers.winstoreFingerprint();
    try (Connection target = servers.targetConnection()) {
      execute(target, "DELETE FROM winstore_admin.orders");
    }

    String id;
    try (ConfigurableApplicationContext first = Applications.start(properties())) {
      Http http = new Http(Applications.port(first));
      Http.Answer started = http.post("/api/schema-restores", TestUsers.OPERATOR, PW,
          Map.of("target", PostgresServers.TARGET, "profile", "winstore", "dumpFile", "big.dump"));
      assertThat(started.status()).as(started.body()).isEqualTo(201);
      id = started.json().get("id").asText();
      Runs.awaitState(http, id, "WAITING_FOR_APPROVAL");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);

      // Stop once the engine has committed the start of the import and waits to poll it.
      RuntimeService runtime = first.getBean(RuntimeService.class);
      String run = id;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
          .until(() -> runtime.getActiveActivityIds(run).stream().anyMatch(a -> a.equals(Elements.WAIT_IMPORT) || a.equals(Elements.CHECK_IMPORT)));
    }
    Path importJob = importJobDirectory(id);
    boolean stoppedDuringImport = !Files.exists(importJob.resolve("exit"));

    try (ConfigurableApplicationContext second = Applications.start(properties())) {
      Http http = new Http(Applications.port(second));
      Runs.awaitState(http, id, "COMPLETED");
      List<AuditEvent> events = second.getBean(AuditTrail.class).events(id);
      Runs.assertEveryRestoreStepRanOnce(events);
    }
    assertThat(servers.winstoreFingerprint()).isEqualTo(dumped);
    try (Stream<Path> files = Files.list(importJob)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("a second start keeps the first log aside as log.<time>")
          .noneMatch(name -> name.startsWith("log."));
    }
    assertThat(stoppedDuringImport).as("the application stopped while pg_restore was running").isTrue();
  }

  private static Path importJobDirectory(String id) throws Exception {
    try (Stream<Path> jobs = Files.list(servers.workDirectory().resolve(id))) {
      return jobs.filter(p -> p.getFileName().toString().startsWith("rebound-import")).findFirst().orElseThrow();
    }
  }

  private static Map<String, Object> properties() {
    Map<String, Object> properties = new HashMap<>(servers.properties());
    properties.put("server.port", "0");
    properties.put("spring.main.banner-mode", "off");
    return properties;
  }
}
