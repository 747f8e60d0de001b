package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.runbook.ApprovedPass;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.Plans;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.StepLog;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The start and the polls of the long-running jobs. A start returns as soon as the job runs; a timer loop
 * polls it, so no job lock is held for the job's duration, and a node that takes over after a crash
 * attaches to the running job instead of starting it twice, also when the job runs on another host; the run
 * shows that host ({@link io.rebound.runbook.RunVariables#JOB_HOST}). Both are steps of the approved pass: a job
 * starts, and is polled, only under the approval that authorised it.
 */
final class JobDelegates {

  private JobDelegates() {}

  /** What the start and the polls of one job share. */
  abstract static class JobStep extends AuditedStep {
    final Services services;
    final RestoreJob job;

    JobStep(Services services, RestoreJob job) {
      super(services.audit(), services.pass().of(services.runbook()));
      this.services = services;
      this.job = job;
    }

    @Override
    protected String step() {
      return job.step;
    }

    /** Lets this node bring the next poll forward when it sees the job end. */
    void watch(RestorePlan plan, JobSpec spec, String processInstanceId) {
      services.service().whenFinished(plan, spec, processInstanceId)
          .ifPresent(finished -> services.pollSooner().watch(processInstanceId, spec.name(), job.waitActivity, finished));
    }
  }

  /** Starts a job (or attaches to it) and records whether it already finished. */
  abstract static class StartJob extends JobStep {

    StartJob(Services services, RestoreJob job) {
      super(services, job);
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RestorePlan plan = services.plans().approved(execution, RestorePlan.class);
      JobSpec spec = job.spec.apply(plan);
      if (spec == null) {
        execution.setVariable(job.doneVariable, true);
        return "nothing to do: no schema exists to export";
      }
      if (job == RestoreJob.SAFETY_EXPORT) {
        execution.setVariable(SAFETY_EXPORT_FILE, spec.file());
      }
      JobProgress progress = services.service().startJob(plan, spec, execution.getProcessInstanceId(), log);
      watch(plan, spec, execution.getProcessInstanceId());
      return CheckJob.record(execution, job, progress);
    }
  }

  /** Polls a job; the step is finished in the audit trail when the job is. */
  abstract static class CheckJob extends JobStep {

    CheckJob(Services services, RestoreJob job) {
      super(services, job);
    }

    @Override
    protected boolean recordsStart() {
      return false;
    }

    @Override
    protected String run(DelegateExecution execution, StepLog log) {
      RestorePlan plan = services.plans().approved(execution, RestorePlan.class);
      JobSpec spec = job.spec.apply(plan);
      JobProgress progress = services.service().pollJob(plan, spec, execution.getProcessInstanceId(), log);
      if (progress.state() == JobProgress.State.RUNNING) {
        // After a restart, or on another node, this is the first chance to watch the job.
        watch(plan, spec, execution.getProcessInstanceId());
      }
      String outcome = record(execution, job, progress);
      if (progress.state() == JobProgress.State.SUCCEEDED && !progress.errors().isEmpty()) {
        log.fact("warnings", progress.errors());
      }
      return outcome;
    }

    /** Writes progress and completion to the run; throws when the job failed, with its log's error lines. */
    static String record(DelegateExecution execution, RestoreJob job, JobProgress progress) {
      if (job == RestoreJob.IMPORT) {
        execution.setVariable(RunVariables.PROGRESS, progress.percent());
      }
      if (progress.host() != null) {
        execution.setVariable(RunVariables.JOB_HOST, progress.host());
      }
      switch (progress.state()) {
        case RUNNING -> {
          execution.setVariable(job.doneVariable, false);
          return null;
        }
        case SUCCEEDED -> {
          execution.setVariable(job.doneVariable, true);
          return job.step + " finished (" + progress.detail() + ")";
        }
        default -> throw new IllegalStateException(job.step + " failed (" + progress.detail() + "):\n" + String.join("\n", progress.errors()));
      }
    }
  }

  /** What every job step needs, injected once. */
  @Component
  record Services(AuditTrail audit, SchemaRestoreService service, Plans plans, PollSooner pollSooner, ApprovedPass pass,
      SchemaRestoreRunbook runbook) {}

  @Component("startSafetyExportDelegate")
  static class StartSafetyExportDelegate extends StartJob {
    StartSafetyExportDelegate(Services services) {
      super(services, RestoreJob.SAFETY_EXPORT);
    }
  }

  @Component("checkSafetyExportDelegate")
  static class CheckSafetyExportDelegate extends CheckJob {
    CheckSafetyExportDelegate(Services services) {
      super(services, RestoreJob.SAFETY_EXPORT);
    }
  }

  @Component("startImportDelegate")
  static class StartImportDelegate extends StartJob {
    StartImportDelegate(Services services) {
      super(services, RestoreJob.IMPORT);
    }
  }

  @Component("checkImportDelegate")
  static class CheckImportDelegate extends CheckJob {
    CheckImportDelegate(Services services) {
      super(services, RestoreJob.IMPORT);
    }
  }
}
