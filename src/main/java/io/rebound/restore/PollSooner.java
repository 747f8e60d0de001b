package io.rebound.restore;

import java.util.Date;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * When this node sees a job end, the run's poll timer is made due at once, so the run goes on without
 * waiting out the poll interval. Only a shortcut: the timer loop alone is enough to finish the run, on
 * any node, after any crash.
 */
@Component
public class PollSooner {

  private static final Logger LOG = LoggerFactory.getLogger(PollSooner.class);

  private final ManagementService management;
  private final ProcessEngine engine;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();

  public PollSooner(ProcessEngine engine) {
    this.engine = engine;
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
        management.setJobDuedate(timer.getId(), new Date());
      }
      JobExecutor executor = ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getJobExecutor();
      if (executor != null) {
        executor.jobWasAdded();
      }
    } catch (RuntimeException e) {
      // The timer may have fired or not exist yet; the next poll finds the job ended all the same.
      LOG.debug("could not bring the poll of {} forward: {}", processInstanceId, e.getMessage());
    }
  }
}
