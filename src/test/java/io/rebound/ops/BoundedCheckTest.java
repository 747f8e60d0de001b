package io.rebound.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A check answers within its bound whatever the checked system does, runs once at a time, and is reused while fresh. */
class BoundedCheckTest {

  /** A clock the test moves by hand. */
  static final class Hands extends Clock {
    Instant now = Instant.parse("2026-11-30T12:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }
  }

  final Hands clock = new Hands();
  final List<Runnable> queued = new ArrayList<>();
  /** Runs nothing until told: a check that has not answered yet. */
  final Executor held = queued::add;
  final Executor direct = Runnable::run;

  BoundedCheck<String> check(Supplier<String> work, Executor executor, Duration timeout) {
    return new BoundedCheck<>(work, error -> "failed: " + error.getMessage(), waited -> "late by " + waited.toSeconds() + " s",
        timeout, Duration.ofSeconds(10), executor, clock);
  }

  @Test
  void shouldAnswerWithTheChecksResult() {
    assertThat(check(() -> "up", direct, Duration.ofSeconds(1)).result()).isEqualTo("up");
  }

  @Test
  void shouldAnswerWithTheFailureWhenTheCheckThrows() {
    BoundedCheck<String> check = check(() -> {
      throw new IllegalStateException("refused");
    }, direct, Duration.ofSeconds(1));

    assertThat(check.result()).isEqualTo("failed: refused");
  }

  @Test
  void shouldReuseAFreshResultAndCheckAgainOnceItIsStale() {
    AtomicInteger runs = new AtomicInteger();
    BoundedCheck<String> check = check(() -> "run " + runs.incrementAndGet(), direct, Duration.ofSeconds(1));

    assertThat(check.result()).isEqualTo("run 1");
    clock.advance(Duration.ofSeconds(9));
    assertThat(check.result()).as("still fresh").isEqualTo("run 1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(check.result()).as("stale at the limit").isEqualTo("run 2");
  }

  @Test
  void shouldReuseAFailureWhileFreshToo() {
    AtomicInteger runs = new AtomicInteger();
    BoundedCheck<String> check = check(() -> {
      throw new IllegalStateException("attempt " + runs.incrementAndGet());
    }, direct, Duration.ofSeconds(1));

    assertThat(check.result()).isEqualTo("failed: attempt 1");
    assertThat(check.result()).isEqualTo("failed: attempt 1");
    assertThat(runs).hasValue(1);
  }

  @Test
  void shouldAnswerLateWithinTheBoundAndNotStartAHungCheckAgain() {
    AtomicInteger runs = new AtomicInteger();
    BoundedCheck<String> check = check(() -> "run " + runs.incrementAndGet(), held, Duration.ofMillis(50));

    long started = System.nanoTime();
    assertThat(check.result()).isEqualTo("late by 0 s");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(30));
    assertThat(check.result()).as("still running: said at once, how long").isEqualTo("late by 30 s");
    assertThat(queued).as("one check in flight, however often asked").hasSize(1);

    queued.get(0).run();
    assertThat(check.result()).isEqualTo("run 1");
    assertThat(runs).hasValue(1);
  }

  @Test
  void shouldWaitForACheckThatAnswersWithinTheBound() throws InterruptedException {
    CountDownLatch asked = new CountDownLatch(1);
    Executor thread = task -> new Thread(() -> {
      try {
        asked.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    }).start();
    BoundedCheck<String> check = check(() -> "answered", thread, Duration.ofSeconds(20));

    asked.countDown();
    assertThat(check.result()).isEqualTo("answered");
  }

  @Test
  void shouldGiveTheFailureItselfNotItsWrapperWhenACheckFailsInTheBackground() {
    BoundedCheck<String> check = check(() -> {
      throw new IllegalStateException("no route to host");
    }, held, Duration.ofMillis(10));

    assertThat(check.result()).startsWith("late");
    queued.get(0).run();
    assertThat(check.result()).isEqualTo("failed: no route to host");
  }

  @Test
  void shouldAnswerAndKeepTheInterruptWhenTheWaitingThreadIsInterrupted() {
    BoundedCheck<String> check = check(() -> "never", held, Duration.ofSeconds(30));

    Thread.currentThread().interrupt();
    String answer = check.result();

    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    assertThat(answer).startsWith("failed: ");
  }
}
