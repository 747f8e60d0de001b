package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rebound.runbook.DetachedProcess.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One runner for both kinds of detached job: a look never starts a job, whatever it finds; a start starts it once and
 * says so; both kinds answer with the same status.
 */
class JobRunnerTest {

  static final JobHost HERE = new JobHost("node-a", "boot-1", Duration.ofMillis(50), Duration.ofSeconds(2));
  static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path work;
  final DetachedWorkers workers = new DetachedWorkers();

  @AfterEach
  void stopWorkers() {
    workers.close();
  }

  private JobRunner process() {
    return JobRunner.of(new DetachedProcess(work.resolve("process"), HERE));
  }

  private JobRunner inJvm() {
    return JobRunner.of(new DetachedWork(work.resolve("work"), HERE, workers));
  }

  @Test
  void shouldNeverStartACommandsJobByLookingAtIt() {
    JobRunner job = process();

    JobStatus first = job.look();
    JobStatus second = job.look();

    for (JobStatus seen : List.of(first, second)) {
      assertThat(seen.status()).isEqualTo(Status.NOT_STARTED);
      assertThat(seen.needsStart()).isTrue();
      assertThat(seen.ended()).isFalse();
      assertThat(seen.startedNow()).isFalse();
      assertThat(seen.exitCode()).isNull();
      assertThat(seen.host()).isNull();
    }
    assertThat(work.resolve("process")).doesNotExist();
  }

  @Test
  void shouldNeverStartAWorkByLookingAtIt() {
    JobRunner job = inJvm();

    JobStatus seen = job.look();

    assertThat(seen.status()).isEqualTo(Status.NOT_STARTED);
    assertThat(seen.needsStart()).isTrue();
    assertThat(seen.startedNow()).isFalse();
    assertThat(work.resolve("work")).doesNotExist();
  }

  @Test
  void shouldStartACommandOnceAndReportItsExitCodeAndLog() throws Exception {
    JobRunner job = process();
    JobRunner.Command command = new JobRunner.Command(List.of("/bin/sh", "-c", "cat \"$REBOUND_TEST_FILE\"; exit 3"),
        Map.of("REBOUND_TEST_FILE", work.resolve("process").resolve("given").toString()), Map.of("given", "from the start"));

    JobStatus started = job.startOrAttach(command);
    await().atMost(BOUND).until(() -> job.look().ended());
    JobStatus again = job.startOrAttach(command);
    JobStatus seen = job.look();

    assertThat(started.startedNow()).isTrue();
    assertThat(started.status()).isEqualTo(Status.RUNNING);
    assertThat(started.host()).isEqualTo("node-a");
    assertThat(again.startedNow()).isFalse();
    assertThat(seen.status()).isEqualTo(Status.FAILED);
    assertThat(seen.exitCode()).isEqualTo(3);
    assertThat(seen.ended()).isTrue();
    assertThat(seen.needsStart()).isFalse();
    assertThat(seen.log()).isEqualTo(job.log()).isEqualTo(work.resolve("process").resolve("log"));
    assertThat(seen.log()).content().contains("from the start");
    assertThat(seen.result()).isNull();
    assertThat(job.directory()).isEqualTo(work.resolve("process"));
    assertThat(Files.list(work.resolve("process")).map(p -> p.getFileName().toString())).containsOnlyOnce("start-1")
        .doesNotContain("start-2");
  }

  @Test
  void shouldStartAWorkOnceAndReportItsResult() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    JobRunner.InJvm gated = new JobRunner.InJvm(beat -> {
      runs.incrementAndGet();
      beat.progress("copying");
      release.await();
      return "copied";
    });
    JobRunner job = inJvm();

    JobStatus started = job.startOrAttach(gated);
    JobStatus attached = job.startOrAttach(gated);
    await().atMost(BOUND).until(() -> "copying".equals(job.look().progress()));
    JobStatus running = job.look();
    release.countDown();
    await().atMost(BOUND).until(() -> job.look().ended());
    JobStatus done = job.look();

    assertThat(started.startedNow()).isTrue();
    assertThat(attached.startedNow()).isFalse();
    assertThat(running.status()).isEqualTo(Status.RUNNING);
    assertThat(running.exitCode()).isNull();
    assertThat(running.needsStart()).isFalse();
    assertThat(running.ended()).isFalse();
    assertThat(done.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(done.exitCode()).isZero();
    assertThat(done.result()).isEqualTo("copied");
    assertThat(done.failure()).isNull();
    assertThat(done.host()).isEqualTo("node-a");
    assertThat(done.log()).isEqualTo(job.log()).isEqualTo(work.resolve("work").resolve("log"));
    assertThat(runs).hasValue(1);
  }

  @Test
  void shouldReportAFailedWorkAndStartItAfreshOnlyOnceMovedAside() throws Exception {
    JobRunner job = inJvm();
    job.startOrAttach(new JobRunner.InJvm(beat -> {
      throw new IllegalStateException("disk full");
    }));
    await().atMost(BOUND).until(() -> job.look().ended());
    JobStatus failed = job.look();

    Path aside = job.moveAside();
    JobStatus afterwards = job.look();

    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.failure()).contains("disk full");
    assertThat(failed.result()).isNull();
    assertThat(aside.getFileName().toString()).startsWith("work.failed-");
    assertThat(afterwards.status()).isEqualTo(Status.NOT_STARTED);
  }

  @Test
  void shouldRefuseToRunWhatIsNotItsKindOfJob() {
    JobRunner.InJvm inJvm = new JobRunner.InJvm(beat -> "x");
    JobRunner.Command command = new JobRunner.Command(List.of("true"), Map.of(), Map.of());

    assertThatThrownBy(() -> process().startOrAttach(inJvm)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("command's job").hasMessageContaining("InJvm");
    assertThatThrownBy(() -> inJvm().startOrAttach(command)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("work's job").hasMessageContaining("Command");
    assertThat(work.toFile().list()).isEmpty();
  }

  @Test
  void shouldRefuseAStartWithNothingToRun() {
    assertThatThrownBy(() -> new JobRunner.Command(List.of(), Map.of(), Map.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JobRunner.InJvm(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JobRunner.of((DetachedProcess) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JobRunner.of((DetachedWork) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void shouldKeepWhatACommandIsGivenAsItWasGiven() {
    List<String> argv = new ArrayList<>(List.of("pg_restore", "a.dump"));
    JobRunner.Command command = new JobRunner.Command(argv, Map.of(), Map.of());
    argv.add("--clean");

    assertThat(command.command()).containsExactly("pg_restore", "a.dump");
  }

  @Test
  void shouldTellAJobGoneWithItsNodeFromOneThatRunsOrEnded() {
    JobStatus vanished = new JobStatus(Status.VANISHED, null, null, null, null, null, "node-b", false);
    JobStatus running = new JobStatus(Status.RUNNING, null, null, null, null, null, "node-b", false);
    JobStatus succeeded = new JobStatus(Status.SUCCEEDED, 0, null, null, null, null, "node-b", false);

    assertThat(vanished.needsStart()).isTrue();
    assertThat(vanished.ended()).isFalse();
    assertThat(running.needsStart()).isFalse();
    assertThat(succeeded.ended()).isTrue();
    assertThat(succeeded.needsStart()).isFalse();
  }

  @Test
  void shouldTellWhenACommandRunningHereEnds() throws Exception {
    JobRunner job = process();
    Path gate = work.resolve("gate");
    JobRunner.Command command = new JobRunner.Command(List.of("/bin/sh", "-c", "while [ ! -e \"$REBOUND_TEST_GATE\" ]; do sleep 0.05; done"),
        Map.of("REBOUND_TEST_GATE", gate.toString()), Map.of());
    assertThat(job.whenEnded()).isEmpty();
    assertThat(job.look().whenEnded()).isEmpty();

    JobStatus started = job.startOrAttach(command);
    JobStatus seen = job.look();
    assertThat(started.whenEnded()).isPresent();
    assertThat(seen.whenEnded()).isPresent();
    assertThat(job.whenEnded()).isPresent();
    assertThat(seen.whenEnded().get()).isNotDone();
    Files.writeString(gate, "go");

    seen.whenEnded().get().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(started.whenEnded().get()).succeedsWithin(BOUND);
    await().atMost(BOUND).until(() -> job.look().ended());
    assertThat(job.look().whenEnded()).isEmpty();
    assertThat(job.whenEnded()).isEmpty();
  }

  @Test
  void shouldTellWhenAWorkRunningHereHasRecordedItsEnd() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    JobRunner job = inJvm();
    assertThat(job.whenEnded()).isEmpty();

    JobStatus started = job.startOrAttach(new JobRunner.InJvm(beat -> {
      release.await();
      return "copied";
    }));
    CompletableFuture<Void> ended = job.look().whenEnded().orElseThrow();
    assertThat(started.whenEnded()).isPresent();
    assertThat(ended).isNotDone();
    release.countDown();

    ended.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    // Complete only once the end is in the job directory: whoever goes on at once finds it there.
    assertThat(job.look().status()).isEqualTo(Status.SUCCEEDED);
    assertThat(job.look().whenEnded()).isEmpty();
    assertThat(job.whenEnded()).isEmpty();
  }

  @Test
  void shouldTellWhenAFailedWorkHasRecordedItsFailure() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    JobRunner job = inJvm();
    JobStatus started = job.startOrAttach(new JobRunner.InJvm(beat -> {
      release.await();
      throw new IllegalStateException("disk full");
    }));
    release.countDown();

    started.whenEnded().orElseThrow().get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(job.look().status()).isEqualTo(Status.FAILED);
  }

  @Test
  void shouldNotLetAWatcherEndTheWorksOwnWatch() {
    CountDownLatch release = new CountDownLatch(1);
    JobRunner job = inJvm();
    job.startOrAttach(new JobRunner.InJvm(beat -> {
      release.await();
      return "copied";
    }));

    job.whenEnded().orElseThrow().complete(null);

    assertThat(job.whenEnded().orElseThrow()).isNotDone();
    release.countDown();
  }

  @Test
  void shouldTellOfNoEndWhenAWorkStopsWithTheNode() {
    JobRunner job = inJvm();
    JobStatus started = job.startOrAttach(new JobRunner.InJvm(beat -> {
      while (true) {
        beat.check();
        Thread.sleep(10);
      }
    }));

    workers.close();

    CompletableFuture<Void> ended = started.whenEnded().orElseThrow();
    await().atMost(BOUND).until(ended::isDone);
    assertThat(ended).isCompletedExceptionally();
    assertThat(job.look().ended()).isFalse();
  }

  @Test
  void shouldTellNoEndOfAStatusMadeWithoutOne() {
    assertThat(new JobStatus(Status.RUNNING, null, null, null, null, null, "node-b", false).whenEnded()).isEmpty();
    assertThat(new JobStatus(Status.RUNNING, null, null, null, null, null, "node-b", false, null).whenEnded()).isEmpty();
  }
}
