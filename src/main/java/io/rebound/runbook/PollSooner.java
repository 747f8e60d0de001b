package io.rebound.runbook;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * When this node sees a job end, the run's poll timer is made due at once, so the run goes on without
 * waiting out the poll interval. Only a shortcut: the timer loop alone is enough to finish the run, on
 * any node, after any crash.
 *
 * <p>Done through the engine's public API: the timer's job is executed here ({@link ManagementService#executeJob}),
 * which moves the run to its next poll; that poll is a job of its own, which the engine hands its job executor as it
 * does any new job. Only setting the timer's due date would leave it to the executor's next look for due jobs, which
 * an idle executor puts off for up to a minute.
 *
 * <p>A step asks for the watch inside its transaction, before the timer it waits on is written; so the watch begins
 * once that transaction has committed (a job that ended in between fires the timer at once then), and the timer is
 * fired on a thread of its own, never on the one that saw the job end (a process reaper, a detached work's thread).
 */
@Component
public class PollSooner implements DisposableBean, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PollSooner.class);

  private final ManagementService management;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final ExecutorService firing = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "rebound-poll-sooner");
    thread.setDaemon(true);
    return thread;
  });

  public PollSooner(ProcessEngine engine) {
    this.management = engine.getManagementService();
  }

  /**
   * Watches a job once per node and run; when it ends, the timer at {@code waitActivity} of the run fires now. A job that
   * ends without an end of its own (its work stopped with the node: the future completes exceptionally) fires nothing.
   */
  public void watch(String processInstanceId, String jobName, String waitActivity, CompletableFuture<Void> ended) {
    String key = processInstanceId + "/" + jobName;
    if (!watched.add(key)) {
      return;
    }
    Runnable watch = () -> ended.whenCompleteAsync((ignored, failure) -> {
      watched.remove(key);
      if (failure == null) {
        fireNow(processInstanceId, waitActivity);
      }
    }, this::fire);
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          if (status == STATUS_COMMITTED) {
            watch.run();
          } else {
            // A rolled-back step waits on no timer; its retry asks again.
            watched.remove(key);
          }
        }
      });
    } else {
      watch.run();
    }
  }

  /** Whether a watch of the job is pending on this node. */
  boolean watches(String processInstanceId, String jobName) {
    return watched.contains(processInstanceId + "/" + jobName);
  }

  /** Hands the firing to a thread of its own; once the node stops, nothing more is fired (the timers do it). */
  private void fire(Runnable firingOfTimer) {
    try {
      firing.execute(firingOfTimer);
    } catch (RejectedExecutionException stopped) {
      LOG.debug("the node stops: the run's timer polls the ended job");
    }
  }

  void fireNow(String processInstanceId, String waitActivity) {
    try {
      for (Job timer : management.createJobQuery().processInstanceId(processInstanceId).activityId(waitActivity).timers().list()) {
        management.executeJob(timer.getId());
      }
    } catch (RuntimeException e) {
      // The timer may have fired, be firing on another thread or not exist yet; the next poll finds the job ended all the same.
      LOG.debug("could not bring the poll of {} forward: {}", processInstanceId, e.getMessage());
    }
  }

  @Override
  public void destroy() {
    close();
  }

  @Override
  public void close() {
    firing.shutdownNow();
  }
}
