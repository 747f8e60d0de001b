package io.rebound.runbook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The threads {@link DetachedWork} runs on in this node, and the one that writes their heartbeats, stopped with the
 * application.
 *
 * <p>A stop is graceful for the jobs, not for the work: each running work is told to stop ({@link DetachedWork.Beat#check()}
 * throws, its thread is interrupted) and, whatever it throws then, no end is recorded for it. Its job directory stays
 * as it is, its heartbeat no longer written, so that another node takes the job over once the heartbeat is stale, or
 * the restarted node does, exactly as after a crash; work is written to be run again from what it finished. What a
 * work returns before it sees the stop is kept as its result. The stop waits a bounded time for the threads to end; a
 * work blocked where an interrupt does not reach (a socket read) is left to its daemon thread.
 */
@Component
public class DetachedWorkers implements DisposableBean, AutoCloseable {

  /** The name the pool's metrics carry ({@code executor_*}, tag {@code name}). */
  public static final String METRICS_NAME = "rebound.detached.work";
  static final Duration STOP_WAIT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(DetachedWorkers.class);

  private final ExecutorService workers;
  private final ScheduledExecutorService beats;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Duration stopWait;

  @Autowired
  DetachedWorkers(ObjectProvider<MeterRegistry> registry) {
    this(registry.getIfAvailable(), STOP_WAIT);
  }

  /** Workers of their own, for work run outside an application (tools, tests); {@link #close()} stops them. */
  public DetachedWorkers() {
    this(null, STOP_WAIT);
  }

  DetachedWorkers(MeterRegistry registry, Duration stopWait) {
    ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "rebound-detached-work");
      thread.setDaemon(true);
      return thread;
    });
    this.workers = registry == null ? pool : ExecutorServiceMetrics.monitor(registry, pool, METRICS_NAME);
    this.beats = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "rebound-detached-work-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    this.stopWait = stopWait;
  }

  /** Whether the node is stopping: running work must stop, and its end is not recorded. */
  boolean stopping() {
    return stopping.get();
  }

  /** Whether every thread of the workers and of their heartbeats has ended. */
  boolean terminated() {
    return workers.isTerminated() && beats.isTerminated();
  }

  Future<?> run(Runnable work) {
    return workers.submit(work);
  }

  /** Runs {@code beat} every {@code intervalMillis} while {@code work} runs, and no more once it has ended. */
  void beatWhile(Future<?> work, Runnable beat, long intervalMillis) {
    beats.scheduleWithFixedDelay(() -> {
      if (work.isDone()) {
        // A periodic task that throws is not run again.
        throw new CancellationException("the work ended: no more beats");
      }
      beat.run();
    }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void destroy() {
    close();
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Tells running work to stop, stops the heartbeats and waits a bounded time for the threads to end. Returns whether
   * they all ended.
   */
  boolean stop() {
    stopping.set(true);
    beats.shutdownNow();
    workers.shutdownNow();
    try {
      boolean ended = workers.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS)
          && beats.awaitTermination(stopWait.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        LOG.warn("detached work still runs {} ms after it was told to stop; its job is left to another node or the restart",
            stopWait.toMillis());
      }
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
