package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.restore.SchemaRestoreProcess.Elements;
import io.rebound.restore.postgresql.PostgresClient;
import io.rebound.testsupport.Applications;
import io.rebound.testsupport.Http;
import io.rebound.testsupport.PostgresServers;
import io.rebound.testsupport.Runs;
import io.rebound.testsupport.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes on two hosts (as far as each knows) share the engine database and the work directory. The node
 * that started the import dies while pg_restore runs on: the other node waits for it while its heartbeat is
 * fresh, shows where it runs, and starts it again only once the heartbeat is stale.
 */
class DetachedJobsAcrossHostsIT {

  static final PostgresServers servers = new PostgresServers();
  static final String PW = TestUsers.PASSWORD;
  static final Duration STALE = Duration.ofSeconds(5);

  /** Where the gated pg_restore counts its starts and waits for its release. */
  final Path gate = servers.workDirectory().resolveSibling("gate-" + System.nanoTime());

  @AfterEach
  void releaseAnyImport() throws IOException {
    Files.createDirectories(gate);
    Files.writeString(gate.resolve("release"), "");
  }

  @Test
  void shouldWaitForAJobRunningOnTheHostOfADeadNodeAndStartItAgainOnlyOnceItsHeartbeatIsStale() throws Exception {
    servers.createWinstoreDump("liveness.dump", 0);
    Map<String, String> dumped = servers.winstoreFingerprint();
    Path bin = gatedClientPrograms();

    String id;
    try (ConfigurableApplicationContext hostA = Applications.start(properties("host-a", bin))) {
      Http http = new Http(Applications.port(hostA));
      id = Runs.startRestore(http, TestUsers.OPERATOR, "liveness.dump");
      assertThat(http.post("/api/recoveries/" + id + "/approval", TestUsers.APPROVER, PW, Map.of("approved", true)).status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(120)).until(() -> starts().size() == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> "host-a".equals(http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json()
          .path("jobHost").asText(null)));
    }
    // Node A is gone; the wrapper it started runs on in its own session and keeps beating.
    Path importJob = importJobDirectory(id);
    assertThat(Files.readString(importJob.resolve("start-1"))).contains("host=host-a");

    try (ConfigurableApplicationContext hostB = Applications.start(properties("host-b", bin))) {
      Http http = new Http(Applications.port(hostB));
      HistoryService history = hostB.getBean(HistoryService.class);
      long polledBefore = polls(history, id);

      // Node B polls the job again and again while its heartbeat is fresh: never a second start.
      await().atMost(Duration.ofSeconds(60)).until(() -> polls(history, id) >= polledBefore + 4);
      assertThat(starts()).hasSize(1);
      assertThat(importJob.resolve("start-2")).doesNotExist();
      var run = http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json();
      assertThat(run.get("state").asText()).isEqualTo("RUNNING");
      assertThat(run.get("jobHost").asText()).isEqualTo("host-a");

      // Host A dies with everything on it: the wrapper and pg_restore end, the heartbeat goes stale.
      long wrapper = JobLiveness.Runner.parse(Files.readString(importJob.resolve("pid"))).pid();
      killProcessGroup(wrapper);
      await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(wrapper).filter(ProcessHandle::isAlive).isEmpty());
      long killedAt = System.nanoTime();

      await().atMost(Duration.ofSeconds(60)).until(() -> starts().size() == 2);
      assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("restarted only once the last beat is older than the limit")
          .isGreaterThanOrEqualTo(STALE.minus(Duration.ofSeconds(1)));
      assertThat(Files.readString(importJob.resolve("start-2"))).contains("host=host-b");
      assertThat(Files.readString(importJob.resolve("pid"))).contains("host=host-b");

      Files.writeString(gate.resolve("release"), "");
      Runs.awaitState(http, id, "COMPLETED");
      assertThat(http.get("/api/recoveries/" + id, TestUsers.OPERATOR, PW).json().get("jobHost").asText()).isEqualTo("host-b");
      assertThat(Runs.describe(http, id)).contains("import finished (exit code 0 on host-b)");
    }
    assertThat(starts()).hasSize(2);
    assertThat(servers.winstoreFingerprint()).isEqualTo(dumped);
  }

  /** pg_dump as it is; pg_restore counts its starts and holds the import (not the listing of a dump) until released. */
  private Path gatedClientPrograms() throws IOException {
    Path real = PostgresClient.discoverBinDirectory();
    Path bin = Files.createDirectories(gate.resolve("bin"));
    write(bin.resolve("pg_dump"), "#!/bin/sh\nexec " + program(real, "pg_dump") + " \"$@\"\n");
    write(bin.resolve("pg_restore"), String.join("\n",
        "#!/bin/sh",
        "case \" $* \" in *\" --list \"*) exec " + program(real, "pg_restore") + " \"$@\";; esac",
        "echo $$ >> '" + gate.resolve("starts") + "'",
        "while [ ! -f '" + gate.resolve("release") + "' ]; do sleep 0.1; done",
        "exec " + program(real, "pg_restore") + " \"$@\"",
        ""));
    return bin;
  }

  private static String program(Path bin, String name) {
    return bin == null ? name : bin.resolve(name).toString();
  }

  private static void write(Path script, String content) throws IOException {
    Files.writeString(script, content);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> starts() throws IOException {
    Path starts = gate.resolve("starts");
    return Files.exists(starts) ? Files.readAllLines(starts) : List.of();
  }

  private static long polls(HistoryService history, String id) {
    return history.createHistoricActivityInstanceQuery().processInstanceId(id).activityId(Elements.CHECK_IMPORT).finished().count();
  }

  private static void killProcessGroup(long leader) throws Exception {
    Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + leader).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
  }

  private static Path importJobDirectory(String id) throws IOException {
    try (Stream<Path> jobs = Files.list(servers.workDirectory().resolve(id))) {
      return jobs.filter(p -> p.getFileName().toString().startsWith("rebound-import")).findFirst().orElseThrow();
    }
  }

  private Map<String, Object> properties(String hostId, Path bin) {
    Map<String, Object> properties = new HashMap<>(servers.properties());
    properties.put("server.port", "0");
    properties.put("spring.main.banner-mode", "off");
    properties.put("camunda.bpm.job-execution.lock-time-in-millis", "10000");
    properties.put("rebound.targets." + PostgresServers.TARGET + ".bin-directory", bin.toString());
    properties.put("rebound.node.host-id", hostId);
    properties.put("rebound.node.heartbeat-interval", "PT1S");
    properties.put("rebound.node.heartbeat-stale-after", STALE.toString());
    return properties;
  }
}
