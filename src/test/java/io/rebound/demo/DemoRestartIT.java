package io.rebound.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.ReboundApplication;
import io.rebound.testsupport.Directories;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.SeparateJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo after power loss or the OOM killer: Rebound is killed with SIGKILL, its embedded PostgreSQL
 * runs on without it, and the next start on the same directory stops that orphan and comes up with the
 * demo's data: its runs, and what its PostgreSQL holds.
 */
class DemoRestartIT {

  @Test
  void shouldStartAgainWithItsDataAfterBeingKilled() throws Exception {
    // Under target/, emptied first: a temporary directory would be left behind by every run.
    Path data = Path.of("target", "demo-restart-it").toAbsolutePath();
    Directories.delete(data);
    Files.createDirectories(data);
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("rebound.data-directory", data.toString());
    properties.put("camunda.bpm.job-execution.wait-time-in-millis", "50");
    properties.put("camunda.bpm.job-execution.max-wait", "200");
    Path pgData = data.resolve("demo/pgdata");

    String run;
    long orphan;
    int port;
    try (SeparateJvm first = SeparateJvm.start(properties, data.resolve("first-start.log"))) {
      first.awaitUp("/api/recoveries", "operator", "demo", Duration.ofMinutes(3));
      Http http = new Http(first.port());
      Http.Answer started = http.post("/api/schema-restores", "operator", "demo",
          Map.of("target", DemoTarget.NAME, "profile", "winstore", "dumpFile", DemoTarget.DUMP_FILE));
      assertThat(started.status()).as(started.body()).isEqualTo(201);
      run = started.json().get("id").asText();
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> state(http, run).equals("WAITING_FOR_APPROVAL"));
      List<String> lockFile = Files.readAllLines(pgData.resolve(OrphanedPostgres.PID_FILE));
      orphan = Long.parseLong(lockFile.get(0).strip());
      port = Integer.parseInt(lockFile.get(3).strip());
      try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE written_before_the_crash (note text)");
        statement.execute("INSERT INTO written_before_the_crash VALUES ('kept')");
      }

      first.kill();
    }
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("the demo's PostgreSQL outlives the killed JVM").contains(true);

    String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    try (ConfigurableApplicationContext second = new SpringApplicationBuilder(ReboundApplication.class)
        .run(concat(arguments, "--server.port=0", "--spring.main.banner-mode=off"))) {
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("the orphan was stopped").isFalse();
      DemoTarget target = second.getBean(DemoTarget.class);
      // On the same port: the plan the approver is about to approve names it.
      assertThat(target.port()).isEqualTo(port);
      try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + target.port() + "/postgres", "postgres", "");
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT note FROM written_before_the_crash")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("kept");
      }
      Http http = new Http(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
      assertThat(state(http, run)).isEqualTo("WAITING_FOR_APPROVAL");
      assertThat(http.post("/api/recoveries/" + run + "/approval", "approver", "demo", Map.of("approved", true)).status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> state(http, run).equals("COMPLETED"));
    }
  }

  private static String state(Http http, String run) {
    return http.get("/api/recoveries/" + run, "operator", "demo").json().get("state").asText();
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = new String[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
