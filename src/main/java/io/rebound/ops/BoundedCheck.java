package io.rebound.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A check that answers within a time bound whatever the checked system does: it runs on a thread of its own, and a
 * caller waits at most {@code timeout} for it. A check that outlasts the bound is not started again while it runs
 * (a hung target holds one thread, not one per probe); callers meanwhile get {@code late}'s answer for how long it
 * has been running. A result is reused for {@code fresh}, so probes that come often do not open a connection each.
 *
 * @param <T> the result
 */
final class BoundedCheck<T> {

  private final Supplier<T> check;
  private final Function<Throwable, T> failed;
  private final Function<Duration, T> late;
  private final Duration timeout;
  private final Duration fresh;
  private final Executor executor;
  private final Clock clock;

  private CompletableFuture<T> running;
  private Instant runningSince;
  private T last;
  private Instant lastAt;

  BoundedCheck(Supplier<T> check, Function<Throwable, T> failed, Function<Duration, T> late, Duration timeout, Duration fresh,
      Executor executor, Clock clock) {
    this.check = check;
    this.failed = failed;
    this.late = late;
    this.timeout = timeout;
    this.fresh = fresh;
    this.executor = executor;
    this.clock = clock;
  }

  /** The latest result: a fresh one reused, else the check run (or still running) waited for at most the bound. */
  T result() {
    CompletableFuture<T> pending;
    Instant since;
    synchronized (this) {
      Instant now = clock.instant();
      if (running == null && last != null && Duration.between(lastAt, now).compareTo(fresh) < 0) {
        return last;
      }
      if (running == null) {
        CompletableFuture<T> started = CompletableFuture.supplyAsync(check, executor);
        running = started;
        runningSince = now;
        pending = started;
        since = now;
        // A check that is done already (or ends now) is recorded at once, in this thread.
        started.whenComplete((value, error) -> finished(started, value, error));
      } else {
        pending = running;
        since = runningSince;
      }
    }
    try {
      return pending.get(remaining(since), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return late.apply(Duration.between(since, clock.instant()));
    } catch (ExecutionException e) {
      return failed.apply(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed.apply(e);
    }
  }

  private long remaining(Instant since) {
    long left = timeout.minus(Duration.between(since, clock.instant())).toMillis();
    return Math.max(0, left);
  }

  private synchronized void finished(CompletableFuture<T> which, T value, Throwable error) {
    if (running != which) {
      return;
    }
    running = null;
    last = error == null ? value : failed.apply(error instanceof java.util.concurrent.CompletionException c && c.getCause() != null
        ? c.getCause() : error);
    lastAt = clock.instant();
  }
}
