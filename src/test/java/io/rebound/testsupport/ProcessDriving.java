package io.rebound.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;

import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;

/** How the process tests drive a run's model in an engine of their own, without a job executor. */
public final class ProcessDriving {

  private ProcessDriving() {}

  /**
   * Runs the run's jobs one at a time, except those of {@code skipped} (an approval's timeout, say), until none is left
   * with retries; a job may fail only with a message holding {@code expectedFailure} (its retries then count down).
   */
  public static void runJobs(ProcessInstance run, String skipped, String expectedFailure) {
    for (int i = 0; i < 100; i++) {
      Job next = managementService().createJobQuery().processInstanceId(run.getId()).withRetriesLeft().list().stream()
          .filter(job -> !skipped.equals(activity(job))).findFirst().orElse(null);
      if (next == null) {
        return;
      }
      try {
        managementService().executeJob(next.getId());
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining(expectedFailure);
      }
    }
    throw new AssertionError("the run did not settle within 100 jobs");
  }

  /** The model element a job runs. */
  public static String activity(Job job) {
    return managementService().createJobDefinitionQuery().jobDefinitionId(job.getJobDefinitionId()).singleResult().getActivityId();
  }

  /** The step settings the models read through {@code ${reboundSteps...}}: three tries a second apart, polls every 5 s, a day to approve. */
  public static class StepSettings {
    public String getRetryCycle() {
      return "R3/PT1S";
    }

    public String getPollInterval() {
      return "PT5S";
    }

    public String getApprovalTimeout() {
      return "PT24H";
    }
  }
}
