package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real commands under the real wrapper, and job directories written as another host would write them. */
class DetachedProcessTest {

  static final JobHost HERE = new JobHost("node-a", "boot-1", Duration.ofMillis(200), Duration.ofSeconds(30));
  static final JobHost OTHER = new JobHost("node-b", "boot-2", Duration.ofMillis(200), Duration.ofSeconds(30));
  static final Duration BOUND = Duration.ofSeconds(20);
  /** Appends a line to {@code starts}, then runs until a {@code release} file appears. */
  static final List<String> GATED = List.of("/bin/sh", "-c",
      "echo started >> \"$REBOUND_JOB_DIR/starts\"; while [ ! -f \"$REBOUND_JOB_DIR/release\" ]; do sleep 0.05; done; echo released");

  @TempDir Path work;

  DetachedProcess job(JobHost host) {
    return new DetachedProcess(work.resolve("job"), host);
  }

  @Test
  void shouldRunACommandAndKeepItsOutputAndExitCode() {
    DetachedProcess job = job(HERE);
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.NOT_STARTED);

    DetachedProcess.State started = job.startOrAttach(
        List.of("/bin/sh", "-c", "echo \"restoring $TABLE\"; cat \"$REBOUND_JOB_DIR/secret\" | wc -c"), Map.of("TABLE", "products"),
        Map.of("secret", "abc"));

    assertThat(started.startedNow()).isTrue();
    assertThat(started.host()).isEqualTo("node-a");
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(job.state().exitCode()).isZero();
    assertThat(job.state().host()).isEqualTo("node-a");
    assertThat(job.state().log()).isEqualTo(work.resolve("job/log"));
    assertThat(job.directory()).isEqualTo(work.resolve("job"));
    assertThat(job.logLines()).containsExactly("restoring products", "3");
    assertThat(job.handle()).isEmpty();
  }

  @Test
  void shouldRecordTheHostBootPidAndStartOfTheWrapper() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(GATED, Map.of(), Map.of());

    JobLiveness.Runner runner = JobLiveness.Runner.parse(Files.readString(work.resolve("job/pid")));
    ProcessHandle wrapper = ProcessHandle.of(runner.pid()).orElseThrow();
    assertThat(runner.host()).isEqualTo("node-a");
    assertThat(runner.boot()).isEqualTo("boot-1");
    assertThat(runner.started()).isEqualTo(wrapper.info().startInstant().orElseThrow().toString());
    assertThat(job.handle()).map(ProcessHandle::pid).contains(runner.pid());
    assertThat(job(OTHER).handle()).as("another host cannot watch the process").isEmpty();
    assertThat(Files.readString(work.resolve("job/start-1"))).contains("host=node-a");
    release();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
  }

  @Test
  void shouldWriteStartFilesForTheOwnerOnlyAndRemoveThem() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(List.of("/bin/sh", "-c", "sleep 0.1"), Map.of(), Map.of("pgpass", "*:*:*:u:p"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("job/pgpass")))).isEqualTo("rw-------");
    job.removeFiles(List.of("pgpass"));
    assertThat(work.resolve("job/pgpass")).doesNotExist();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
  }

  @Test
  void shouldAttachToARunningJobInsteadOfStartingItTwice() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(GATED, Map.of(), Map.of());
    String pid = Files.readString(work.resolve("job/pid"));

    DetachedProcess.State again = job(HERE).startOrAttach(GATED, Map.of(), Map.of());

    assertThat(again.status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(again.startedNow()).isFalse();
    assertThat(Files.readString(work.resolve("job/pid"))).isEqualTo(pid);
    release();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(Files.readAllLines(work.resolve("job/starts"))).hasSize(1);
  }

  @Test
  void shouldWaitForAJobOfAnotherHostWhileItsHeartbeatIsFresh() throws Exception {
    Path directory = writtenByAnotherHost(Instant.now());

    DetachedProcess.State seen = job(HERE).startOrAttach(GATED, Map.of(), Map.of());

    assertThat(seen.status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(seen.host()).isEqualTo("node-b");
    assertThat(seen.startedNow()).isFalse();
    assertThat(directory.resolve("starts")).doesNotExist();
    assertThat(directory.resolve("start-2")).doesNotExist();
    assertThat(job(HERE).handle()).isEmpty();
  }

  @Test
  void shouldStartAgainAJobOfAnotherHostOnceItsHeartbeatIsStaleKeepingTheOldLog() throws Exception {
    Path directory = writtenByAnotherHost(Instant.now().minus(Duration.ofMinutes(5)));
    DetachedProcess job = job(HERE);
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.VANISHED);
    assertThat(job.state().host()).isEqualTo("node-b");

    DetachedProcess.State started = job.startOrAttach(List.of("/bin/sh", "-c", "echo second"), Map.of(), Map.of());

    assertThat(started.startedNow()).isTrue();
    assertThat(started.host()).isEqualTo("node-a");
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(job.logLines()).containsExactly("second");
    assertThat(Files.readString(directory.resolve("start-2"))).contains("host=node-a");
    assertThat(Files.readString(directory.resolve("pid"))).contains("host=node-a");
    try (Stream<Path> files = Files.list(directory)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(name -> name.startsWith("log."));
    }
  }

  @Test
  void shouldTakeTheExitFileOfAnotherHostAsTheOutcomeHoweverOldItsHeartbeat() throws Exception {
    Path directory = writtenByAnotherHost(Instant.now().minus(Duration.ofMinutes(5)));
    Files.writeString(directory.resolve("exit"), "0\n");

    DetachedProcess.State seen = job(HERE).startOrAttach(GATED, Map.of(), Map.of());

    assertThat(seen.status()).isEqualTo(DetachedProcess.Status.SUCCEEDED);
    assertThat(seen.host()).isEqualTo("node-b");
    assertThat(directory.resolve("starts")).doesNotExist();
  }

  @Test
  void shouldNotTakeAReusedPidOfThisHostForTheJob() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    ProcessHandle alive = ProcessHandle.current();
    Files.writeString(directory.resolve("start-1"), "host=node-a\n");
    Files.writeString(directory.resolve("pid"), new JobLiveness.Runner("node-a", "boot-1", alive.pid(), "2020-01-01T00:00:00Z").format());
    age(directory, Instant.now().minus(Duration.ofMinutes(5)));
    DetachedProcess job = job(HERE);

    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.VANISHED);
    assertThat(job.handle()).isEmpty();

    Files.writeString(directory.resolve("pid"),
        new JobLiveness.Runner("node-a", "boot-1", alive.pid(), alive.info().startInstant().orElseThrow().toString()).format());
    age(directory, Instant.now().minus(Duration.ofMinutes(5)));
    assertThat(job.state().status()).as("a live process of this host started at the recorded instant").isEqualTo(DetachedProcess.Status.RUNNING);
  }

  @Test
  void shouldLetOnlyOneOfTwoNodesStartAJobBothFoundVanished() throws Exception {
    writtenByAnotherHost(Instant.now().minus(Duration.ofMinutes(5)));
    JobHost third = new JobHost("node-c", "boot-3", Duration.ofMillis(200), Duration.ofSeconds(30));
    CountDownLatch ready = new CountDownLatch(2);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      List<Future<DetachedProcess.State>> starts = new ArrayList<>();
      for (JobHost node : List.of(HERE, third)) {
        Callable<DetachedProcess.State> start = () -> {
          ready.countDown();
          ready.await();
          return job(node).startOrAttach(GATED, Map.of(), Map.of());
        };
        starts.add(nodes.submit(start));
      }
      List<DetachedProcess.State> states = new ArrayList<>();
      for (Future<DetachedProcess.State> start : starts) {
        states.add(start.get());
      }
      assertThat(states).filteredOn(DetachedProcess.State::startedNow).hasSize(1);
      assertThat(states).allMatch(s -> s.status() == DetachedProcess.Status.RUNNING);
    } finally {
      nodes.shutdownNow();
    }
    await().atMost(BOUND).until(() -> Files.exists(work.resolve("job/starts")));
    release();
    await().atMost(BOUND).until(() -> job(HERE).state().status() == DetachedProcess.Status.SUCCEEDED);
    assertThat(Files.readAllLines(work.resolve("job/starts"))).hasSize(1);
    assertThat(work.resolve("job/start-3")).doesNotExist();
  }

  @Test
  void shouldKeepTheHeartbeatFreshWhileTheCommandRuns() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(GATED, Map.of(), Map.of());
    Path heartbeat = work.resolve("job/heartbeat");
    await().atMost(BOUND).until(() -> Files.exists(heartbeat));
    FileTime first = Files.getLastModifiedTime(heartbeat);

    await().atMost(BOUND).until(() -> Files.getLastModifiedTime(heartbeat).compareTo(first) > 0);

    release();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
  }

  @Test
  void shouldEndTheCommandAndRecordItWhenTheWrapperIsTerminated() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(List.of("/bin/sh", "-c", "echo $$ > \"$REBOUND_JOB_DIR/command-pid\"; exec sleep 60"), Map.of(), Map.of());
    await().atMost(BOUND).until(() -> Files.exists(work.resolve("job/command-pid")) && !Files.readString(work.resolve("job/command-pid")).isBlank());
    long command = Long.parseLong(Files.readString(work.resolve("job/command-pid")).strip());

    job.handle().orElseThrow().destroy();

    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.FAILED);
    assertThat(job.state().exitCode()).isEqualTo(143);
    assertThat(ProcessHandle.of(command).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void shouldStopBeatingOnlyWhenTheCommandEndsAfterTheWrapperWasKilled() throws Exception {
    JobHost quick = new JobHost("node-a", "boot-1", Duration.ofMillis(200), Duration.ofSeconds(1));
    DetachedProcess job = job(quick);
    job.startOrAttach(List.of("/bin/sh", "-c", "echo $$ > \"$REBOUND_JOB_DIR/command-pid\"; exec sleep 60"), Map.of(), Map.of());
    await().atMost(BOUND).until(() -> Files.exists(work.resolve("job/command-pid")) && !Files.readString(work.resolve("job/command-pid")).isBlank());
    ProcessHandle command = ProcessHandle.of(Long.parseLong(Files.readString(work.resolve("job/command-pid")).strip())).orElseThrow();
    ProcessHandle wrapper = job.handle().orElseThrow();

    wrapper.destroyForcibly();
    await().atMost(BOUND).until(() -> !wrapper.isAlive());

    // The command runs on without its wrapper: the heartbeat goes on too, so no node starts it again.
    FileTime beat = Files.getLastModifiedTime(work.resolve("job/heartbeat"));
    await().atMost(BOUND).until(() -> Files.getLastModifiedTime(work.resolve("job/heartbeat")).compareTo(beat) > 0);
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(command.isAlive()).isTrue();

    command.destroy();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.VANISHED);
    assertThat(work.resolve("job/exit")).doesNotExist();
  }

  @Test
  void shouldEndTheCommandWhenItsHeartbeatCannotBeWritten() throws Exception {
    JobHost quick = new JobHost("node-a", "boot-1", Duration.ofMillis(200), Duration.ofSeconds(2));
    Files.createDirectories(work.resolve("job/heartbeat"));
    DetachedProcess job = job(quick);

    job.startOrAttach(List.of("/bin/sh", "-c", "exec sleep 60"), Map.of(), Map.of());

    await().atMost(BOUND).until(() -> Files.exists(work.resolve("job/exit")));
    assertThat(Files.readString(work.resolve("job/exit")).strip()).isEqualTo("143");
  }

  @Test
  void shouldReportAFailureAndStartAfreshOnceMovedAside() {
    DetachedProcess job = job(HERE);
    job.startOrAttach(List.of("/bin/sh", "-c", "echo 'pg_restore: error: boom'; exit 3"), Map.of(), Map.of());
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.FAILED);
    assertThat(job.state().exitCode()).isEqualTo(3);

    Path aside = job.moveAside();

    assertThat(aside.getFileName().toString()).startsWith("job.failed-");
    assertThat(aside.resolve("log")).content().contains("boom");
    assertThat(job.state().status()).isEqualTo(DetachedProcess.Status.NOT_STARTED);
    assertThat(job.state().host()).isNull();
  }

  @Test
  void shouldJudgeAJobStartedBeforeHostsWereRecordedByItsPid() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    Files.writeString(directory.resolve("pid"), "2147483646 2020-01-01T00:00:00Z\n");
    Files.writeString(directory.resolve("log"), "half of a restore\n");

    assertThat(new DetachedProcess(directory).state().status()).isEqualTo(DetachedProcess.Status.VANISHED);
  }

  @Test
  void shouldRunTheWrapperInASessionOfItsOwnSoThatItOutlivesTheNode() throws Exception {
    DetachedProcess job = job(HERE);
    job.startOrAttach(GATED, Map.of(), Map.of());
    long wrapper = job.handle().orElseThrow().pid();

    // The launcher calls setsid() a moment after the start returns.
    await().atMost(BOUND).until(() -> session(wrapper) == wrapper);
    assertThat(ProcessHandle.current().pid()).isNotEqualTo(wrapper);
    release();
    await().atMost(BOUND).until(() -> job.state().status() == DetachedProcess.Status.SUCCEEDED);
  }

  @Test
  void shouldEndTheCommandBeforeAnyNodeMayCountItGone() {
    Map<String, String> environment = DetachedProcess.wrapperEnvironment(Path.of("jobs/x"),
        new JobHost("h", "", Duration.ofMillis(1500), Duration.ofSeconds(60)));
    assertThat(environment).containsEntry("REBOUND_HEARTBEAT_SECONDS", "1.500").containsEntry("REBOUND_FENCE_SECONDS", "30")
        .containsEntry("REBOUND_JOB_DIR", Path.of("jobs/x").toAbsolutePath().toString());
    assertThat(DetachedProcess.wrapperEnvironment(work, new JobHost("h", "", Duration.ofMillis(300), Duration.ofSeconds(1))))
        .containsEntry("REBOUND_FENCE_SECONDS", "1");
  }

  @Test
  void shouldAttachWhenAnotherNodeTakesTheStartBetweenItsLookAndItsLock() throws Exception {
    Path directory = writtenByThisHostBeforeItsReboot();
    DetachedProcess job = new DetachedProcess(directory, HERE, pid -> {
      // node-c decides the same a moment earlier and takes start-2.
      writeIfAbsent(directory.resolve("start-2"), "host=node-c\n");
      return Optional.empty();
    });

    DetachedProcess.State seen = job.startOrAttach(GATED, Map.of(), Map.of());

    assertThat(seen.status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(seen.startedNow()).isFalse();
    assertThat(directory.resolve("starts")).doesNotExist();
    assertThat(directory.resolve("log")).exists();
  }

  @Test
  void shouldNotStartAJobWhoseExitCodeAppearsOnceTheStartIsLocked() throws Exception {
    Path directory = writtenByThisHostBeforeItsReboot();
    DetachedProcess job = new DetachedProcess(directory, HERE, pid -> {
      writeIfAbsent(directory.resolve("exit"), "0\n");
      return Optional.empty();
    });

    DetachedProcess.State seen = job.startOrAttach(GATED, Map.of(), Map.of());

    assertThat(seen.status()).isEqualTo(DetachedProcess.Status.SUCCEEDED);
    assertThat(seen.startedNow()).isFalse();
    assertThat(directory.resolve("start-2")).exists();
    assertThat(directory.resolve("starts")).doesNotExist();
    assertThat(directory.resolve("log")).exists();
  }

  @Test
  void shouldNameTheHostThatLockedTheStartBeforeItsPidIsRecorded() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    Files.writeString(directory.resolve("start-1"), "host=node-b\nboot=boot-2\n");

    DetachedProcess.State seen = job(HERE).state();

    assertThat(seen.status()).isEqualTo(DetachedProcess.Status.RUNNING);
    assertThat(seen.host()).isEqualTo("node-b");
  }

  /** A job this host started with its previous boot: the pid record says node-a, boot-1, with a pid that no longer lives. */
  private Path writtenByThisHostBeforeItsReboot() throws IOException {
    Path directory = Files.createDirectories(work.resolve("job"));
    Files.writeString(directory.resolve("start-1"), "host=node-a\nboot=boot-1\n");
    Files.writeString(directory.resolve("pid"), new JobLiveness.Runner("node-a", "boot-1", 2147483646, "2026-11-30T10:00:00Z").format());
    Files.writeString(directory.resolve("log"), "half of a restore\n");
    age(directory, Instant.now().minus(Duration.ofMinutes(5)));
    return directory;
  }

  /** The session a process belongs to, from /proc/<pid>/stat (fields after the command name: state, ppid, pgrp, session). */
  private static long session(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
  }

  private static void writeIfAbsent(Path file, String content) {
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, content);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A job directory as node-b leaves it: its start lock, its pid record (a pid that means nothing here), a heartbeat of {@code beat}. */
  private Path writtenByAnotherHost(Instant beat) throws IOException {
    Path directory = Files.createDirectories(work.resolve("job"));
    Files.writeString(directory.resolve("start-1"), "host=node-b\nboot=boot-2\n");
    Files.writeString(directory.resolve("pid"), new JobLiveness.Runner("node-b", "boot-2", 1, "2026-11-30T10:00:00Z").format());
    Files.writeString(directory.resolve("heartbeat"), beat.toString());
    Files.writeString(directory.resolve("log"), "half of a restore\n");
    age(directory, beat);
    return directory;
  }

  private static void age(Path directory, Instant at) throws IOException {
    for (String name : List.of("start-1", "pid", "heartbeat")) {
      if (Files.exists(directory.resolve(name))) {
        Files.setLastModifiedTime(directory.resolve(name), FileTime.from(at));
      }
    }
  }

  private void release() throws IOException {
    Files.writeString(work.resolve("job/release"), "");
  }
}
