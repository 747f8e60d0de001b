package io.rebound.restore;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When this node sees a job end, the run's poll timer is made due at once, so the run goes on without
 * waiting out the poll interval. Only a shortcut: the timer loop alone is enough to finish the run, on
 * any node, after any crash.
 *
 * <p>Done through the engine's public API: the timer's job is executed here ({@link ManagementService#executeJob}),
 * which moves the run to its next poll; that poll is a job of its own, which the engine hands its job executor as it
 * does any new job. Only setting the timer's due date would leave it to the executor's next look for due jobs, which
 * an idle executor puts off for up to a minute.
 */
@Component
public class PollSooner {

  private static final Logger LOG = LoggerFactory.getLogger(PollSooner.class);

  private final ManagementService management;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();

  public PollSooner(ProcessEngine engine) {
    this.management = engine.getManagementService();
  }

  /** Watches a job once per node; when it ends, the timer at {@code waitActivity} of the run fires now. */
  void watch(String processInstanceId, String jobName, String waitActivity, CompletableFuture<Void> finished) {
    String key = processInstanceId + "/" + jobName;
    if (!watched.add(key)) {
      return;
    }
    finished.whenComplete((ignored, failure) -> {
      watched.remove(key);
      fireNow(processInstanceId, waitActivity);
    });
  }

  private void fireNow(String processInstanceId, String waitActivity) {
    try {
      for (Job timer : management.createJobQuery().processInstanceId(processInstanceId).activityId(waitActivity).timers().list()) {
        management.executeJob(timer.getId());
      }
    } catch (RuntimeException e) {
      // The timer may have fired, be firing on another thread or not exist yet; the next poll finds the job ended all the same.
      LOG.debug("could not bring the poll of {} forward: {}", processInstanceId, e.getMessage());
    }
  }
}
