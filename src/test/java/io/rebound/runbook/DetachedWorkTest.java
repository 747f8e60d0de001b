package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rebound.runbook.DetachedProcess.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Work in this JVM, kept in a job directory the way a detached command is, judged as several nodes would. */
class DetachedWorkTest {

  static final JobHost HERE = new JobHost("node-a", "boot-1", Duration.ofMillis(50), Duration.ofSeconds(2));
  static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path work;
  DetachedWorkers workers = new DetachedWorkers();

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  private DetachedWork job() {
    return new DetachedWork(work.resolve("job"), HERE, workers);
  }

  @Test
  void shouldRunTheWorkOnceAndKeepItsResult() {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    DetachedWork.Work gated = beat -> {
      runs.incrementAndGet();
      beat.check();
      beat.progress("copying");
      release.await();
      beat.check();
      return "the result in " + beat.directory().getFileName();
    };
    DetachedWork job = job();
    assertThat(job.state().status()).isEqualTo(Status.NOT_STARTED);

    DetachedWork.State started = job.startOrAttach(gated);
    DetachedWork.State attached = job.startOrAttach(gated);
    await().atMost(BOUND).until(() -> "copying".equals(job.state().progress()));
    release.countDown();
    await().atMost(BOUND).until(() -> job.state().status() == Status.SUCCEEDED);
    DetachedWork.State after = job.startOrAttach(gated);

    assertThat(started.startedNow()).isTrue();
    assertThat(started.status()).isEqualTo(Status.RUNNING);
    assertThat(started.host()).isEqualTo("node-a");
    assertThat(attached.startedNow()).isFalse();
    assertThat(attached.status()).isEqualTo(Status.RUNNING);
    assertThat(after.startedNow()).isFalse();
    assertThat(after.result()).isEqualTo("the result in job");
    assertThat(after.failure()).isNull();
    assertThat(runs).hasValue(1);
    assertThat(job.directory()).isEqualTo(work.resolve("job"));
    assertThat(job.log()).content().contains("copying");
  }

  @Test
  void shouldLetOnlyOneOfManyCallersStartTheWork() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Callable<DetachedWork.State>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(() -> job().startOrAttach(beat -> {
          runs.incrementAndGet();
          release.await();
          return "";
        }));
      }
      long started = 0;
      for (Future<DetachedWork.State> call : callers.invokeAll(calls)) {
        started += call.get().startedNow() ? 1 : 0;
      }
      release.countDown();
      await().atMost(BOUND).until(() -> job().state().status() == Status.SUCCEEDED);
      assertThat(started).isEqualTo(1);
      assertThat(runs).hasValue(1);
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void shouldKeepAFailureUntilTheJobIsMovedAside() throws Exception {
    DetachedWork job = job();
    job.startOrAttach(beat -> {
      throw new IllegalStateException("pg_backup_start failed", new java.sql.SQLException("archive_mode is off"));
    });
    await().atMost(BOUND).until(() -> job.state().status() == Status.FAILED);

    assertThat(job.state().failure()).isEqualTo("pg_backup_start failed\n  caused by: archive_mode is off");
    assertThat(job.state().result()).isNull();
    assertThat(job.startOrAttach(beat -> "never").startedNow()).as("a failure stays until moved aside").isFalse();
    assertThat(job.log()).content().contains("IllegalStateException");

    Path aside = job.moveAside();
    assertThat(aside.getFileName().toString()).startsWith("job.failed-");
    assertThat(aside.resolve("failure")).exists();
    assertThat(job.state().status()).isEqualTo(Status.NOT_STARTED);
    assertThat(job.startOrAttach(beat -> "again").startedNow()).isTrue();
    await().atMost(BOUND).until(() -> job.state().status() == Status.SUCCEEDED);
    assertThat(job.state().result()).isEqualTo("again");
  }

  @Test
  void shouldWaitForAnotherNodeWhileItsHeartbeatIsFreshAndTakeOverOnceStale() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    String otherNode = "host=node-b\nboot=boot-2\npid=4242\nstarted=\n";
    Files.writeString(directory.resolve("start-1"), otherNode);
    Files.writeString(directory.resolve("pid"), otherNode);
    Files.writeString(directory.resolve("heartbeat"), "now");
    AtomicInteger runs = new AtomicInteger();

    DetachedWork.State whileAlive = job().startOrAttach(beat -> "mine " + runs.incrementAndGet());
    assertThat(whileAlive.status()).isEqualTo(Status.RUNNING);
    assertThat(whileAlive.startedNow()).isFalse();
    assertThat(whileAlive.host()).isEqualTo("node-b");

    FileTime old = FileTime.from(Instant.now().minusSeconds(60));
    for (String name : List.of("start-1", "pid", "heartbeat")) {
      Files.setLastModifiedTime(directory.resolve(name), old);
    }
    assertThat(job().state().status()).isEqualTo(Status.VANISHED);
    DetachedWork.State takenOver = job().startOrAttach(beat -> "mine " + runs.incrementAndGet());
    await().atMost(BOUND).until(() -> job().state().status() == Status.SUCCEEDED);

    assertThat(takenOver.startedNow()).isTrue();
    assertThat(takenOver.host()).isEqualTo("node-a");
    assertThat(job().state().result()).isEqualTo("mine 1");
    assertThat(directory.resolve("start-2")).exists();
  }

  @Test
  void shouldStartAgainAtOnceWorkThisJvmLostWithoutWaitingForItsHeartbeat() throws Exception {
    Path directory = Files.createDirectories(work.resolve("job"));
    ProcessHandle self = ProcessHandle.current();
    String lost = "host=node-a\nboot=boot-1\npid=" + self.pid() + "\nstarted=" + self.info().startInstant().map(Instant::toString)
        .orElse("") + "\n";
    Files.writeString(directory.resolve("start-1"), lost);
    Files.writeString(directory.resolve("pid"), lost);
    Files.writeString(directory.resolve("heartbeat"), "fresh");

    assertThat(job().state().status()).isEqualTo(Status.VANISHED);
    assertThat(job().startOrAttach(beat -> "again").startedNow()).isTrue();
    await().atMost(BOUND).until(() -> job().state().status() == Status.SUCCEEDED);
  }

  @Test
  void shouldStopWorkThatCannotWriteItsHeartbeat() throws Exception {
    DetachedWork job = job();
    CountDownLatch running = new CountDownLatch(1);
    job.startOrAttach(beat -> {
      running.countDown();
      while (true) {
        beat.check();
        Thread.onSpinWait();
      }
    });
    running.await();
    Path heartbeat = job.directory().resolve("heartbeat");
    Files.delete(heartbeat);
    Files.createDirectory(heartbeat);

    await().atMost(BOUND).until(() -> job.state().status() == Status.FAILED);
    assertThat(job.state().failure()).contains("could not be written for 1 s");
  }

  @Test
  void shouldStopWorkBlockedInAWaitThatCannotWriteItsHeartbeat() throws Exception {
    DetachedWork job = job();
    CountDownLatch running = new CountDownLatch(1);
    job.startOrAttach(beat -> {
      running.countDown();
      Thread.sleep(Duration.ofMinutes(5).toMillis());
      return "slept";
    });
    running.await();
    Path heartbeat = job.directory().resolve("heartbeat");
    Files.delete(heartbeat);
    Files.createDirectory(heartbeat);

    await().atMost(BOUND).until(() -> job.state().status() == Status.FAILED);
    assertThat(job.state().failure()).contains("sleep interrupted");
  }

  @Test
  void shouldCarryOnThroughAHeartbeatGlitchShorterThanTheFence() throws Exception {
    DetachedWork job = job();
    CountDownLatch glitched = new CountDownLatch(1);
    job.startOrAttach(beat -> {
      glitched.await();
      Thread.sleep(300);
      beat.check();
      return "done";
    });
    Path heartbeat = job.directory().resolve("heartbeat");
    Files.delete(heartbeat);
    Files.createDirectory(heartbeat);
    Thread.sleep(150);
    Files.delete(heartbeat);
    glitched.countDown();

    await().atMost(BOUND).until(() -> job.state().status() != Status.RUNNING);
    assertThat(job.state().status()).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void shouldTakeEachStartNumberOnce() throws Exception {
    DetachedWork job = job();
    Files.createDirectories(job.directory());

    assertThat(job.lock(1)).isTrue();
    assertThat(job().lock(1)).isFalse();
    assertThat(job().lock(2)).isTrue();
    assertThat(job.directory().resolve("start-1")).content().contains("host=node-a");
    try (var files = Files.list(job.directory())) {
      assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("start-1", "start-2");
    }
  }

  @Test
  void shouldDescribeAFailureByItsCauses() {
    assertThat(DetachedWork.describe(new RuntimeException(new IllegalStateException()))).startsWith("java.lang.IllegalStateException")
        .endsWith("caused by: IllegalStateException");
    assertThat(DetachedWork.stack(new IllegalStateException("x"))).contains("IllegalStateException: x", "at ");
  }
}
