package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rebound.runbook.DetachedProcess.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The node's threads for detached work, stopped with the application: running work is told to stop and its job left
 * without an end, for the restart (or another node) to take again as after a crash, and no thread is left running.
 */
class DetachedWorkersTest {

  static final JobHost HERE = new JobHost("node-a", "boot-1", Duration.ofMillis(50), Duration.ofSeconds(2));
  static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path work;

  /** Starts a work that runs until it is told to stop, checking as it goes; returns its thread once it runs. */
  static Thread spinning(DetachedWork job) throws InterruptedException {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    job.startOrAttach(beat -> {
      thread.set(Thread.currentThread());
      running.countDown();
      while (true) {
        beat.check();
        Thread.onSpinWait();
      }
    });
    running.await();
    return thread.get();
  }

  /** Starts a work that sleeps for minutes without checking; returns its thread once it runs. */
  static Thread sleeping(DetachedWork job) throws InterruptedException {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CountDownLatch running = new CountDownLatch(1);
    job.startOrAttach(beat -> {
      thread.set(Thread.currentThread());
      running.countDown();
      Thread.sleep(Duration.ofMinutes(5).toMillis());
      return "slept";
    });
    running.await();
    return thread.get();
  }

  /** A pool counts as terminated once its last task returned; its thread is then a moment away from its end. */
  static void assertEnded(Thread thread) throws InterruptedException {
    thread.join(1000);
    assertThat(thread.isAlive()).as(thread.getName() + " still runs").isFalse();
  }

  static void assertLeftWithoutAnEnd(DetachedWork job) {
    assertThat(job.directory().resolve("exit")).doesNotExist();
    assertThat(job.directory().resolve("failure")).doesNotExist();
    assertThat(job.directory().resolve("result")).doesNotExist();
    assertThat(job.log()).content().contains("stopped with the node, left to be taken again");
  }

  @Test
  void shouldStopRunningWorkLeavingItsJobWithoutAnEndForTheRestartToTakeAgain() throws Exception {
    DetachedWorkers node = new DetachedWorkers();
    DetachedWork checking = new DetachedWork(work.resolve("checking"), HERE, node);
    DetachedWork blocked = new DetachedWork(work.resolve("blocked"), HERE, node);
    Thread checkingThread = spinning(checking);
    Thread blockedThread = sleeping(blocked);
    assertThat(node.terminated()).isFalse();
    // Daemons, so that a work an interrupt does not reach never holds the JVM once the stop gave up on it.
    assertThat(checkingThread.isDaemon()).isTrue();
    assertThat(Thread.getAllStackTraces().keySet()).filteredOn(thread -> thread.getName().equals("rebound-detached-work-heartbeat"))
        .isNotEmpty().allMatch(Thread::isDaemon);

    assertThat(node.stop()).as("every thread ended").isTrue();

    assertThat(node.terminated()).isTrue();
    assertEnded(checkingThread);
    assertEnded(blockedThread);
    assertLeftWithoutAnEnd(checking);
    assertLeftWithoutAnEnd(blocked);

    DetachedWorkers restarted = new DetachedWorkers();
    try {
      DetachedWork again = new DetachedWork(work.resolve("blocked"), HERE, restarted);
      assertThat(again.state().status()).isEqualTo(Status.VANISHED);
      assertThat(again.startOrAttach(beat -> "taken again").startedNow()).isTrue();
      await().atMost(BOUND).until(() -> again.state().status() == Status.SUCCEEDED);
      assertThat(again.state().result()).isEqualTo("taken again");
    } finally {
      restarted.close();
    }
  }

  @Test
  void shouldGiveUpWaitingForWorkThatIgnoresTheStopAndKeepWhatItReturnsLater() throws Exception {
    DetachedWorkers node = new DetachedWorkers(null, Duration.ofMillis(200));
    DetachedWork deaf = new DetachedWork(work.resolve("deaf"), HERE, node);
    AtomicBoolean released = new AtomicBoolean();
    CountDownLatch running = new CountDownLatch(1);
    deaf.startOrAttach(beat -> {
      running.countDown();
      while (!released.get()) {
        Thread.onSpinWait();
      }
      return "done late";
    });
    running.await();

    assertThat(node.stop()).as("the work still runs after the wait").isFalse();
    assertThat(node.terminated()).isFalse();

    released.set(true);
    await().atMost(BOUND).until(node::terminated);
    assertThat(deaf.state().status()).isEqualTo(Status.SUCCEEDED);
    assertThat(deaf.state().result()).isEqualTo("done late");
  }

  @Test
  void shouldKeepTheResultOfWorkThatEndedBeforeTheStopAndStartNothingOnceStopping() {
    DetachedWorkers node = new DetachedWorkers();
    DetachedWork done = new DetachedWork(work.resolve("done"), HERE, node);
    done.startOrAttach(beat -> "finished");
    await().atMost(BOUND).until(() -> done.state().status() == Status.SUCCEEDED);

    node.close();

    assertThat(done.state().result()).isEqualTo("finished");
    DetachedWork late = new DetachedWork(work.resolve("late"), HERE, node);
    assertThatThrownBy(() -> late.startOrAttach(beat -> "never")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("this node is stopping");
    assertThat(late.state().status()).isEqualTo(Status.NOT_STARTED);
    assertThat(work.resolve("late")).doesNotExist();
  }

  @Test
  void shouldStopWithTheApplicationContextLeavingNoThreadRunning() throws Exception {
    DetachedWorkers node;
    Thread worker;
    DetachedWork job;
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
      context.registerBean(MeterRegistry.class, SimpleMeterRegistry::new);
      context.register(DetachedWorkers.class);
      context.refresh();
      node = context.getBean(DetachedWorkers.class);
      job = new DetachedWork(work.resolve("job"), HERE, node);
      worker = spinning(job);
      assertThat(context.getBean(MeterRegistry.class).find("executor.active").tag("name", DetachedWorkers.METRICS_NAME).gauge())
          .as("the pool's metrics").isNotNull();
    }

    assertThat(node.terminated()).isTrue();
    assertEnded(worker);
    assertLeftWithoutAnEnd(job);
  }
}
