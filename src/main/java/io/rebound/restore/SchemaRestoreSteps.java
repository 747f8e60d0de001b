package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;
import static io.rebound.restore.SchemaRestoreRunbook.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.compare.ComparisonStore;
import io.rebound.compare.ComparisonStore.Status;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.PollSooner;
import io.rebound.runbook.RunVariables;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import io.rebound.runbook.StepLog;
import java.util.List;
import java.util.TreeMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the schema-restore process, one bean each under the name the model calls: thin delegates over
 * {@link SchemaRestoreService}. The preflight shows the plan for approval; every step after the approval is guarded by
 * it (one pass, each step once and in order, only for the plan whose hash the audit trail records as approved).
 *
 * <p>The safety export and the import are detached jobs: a start step starts the job (or attaches to it) and returns,
 * and a timer loop polls it, so no job lock is held for the job's duration, and a node that takes over after a crash
 * attaches to the running job instead of starting it twice, also when the job runs on another host; the run shows that
 * host ({@link RunVariables#JOB_HOST}). A poll looks at the job and starts nothing by looking; a job it finds never
 * started or gone with its node is started again the way a start step starts it, and that start is recorded in the
 * audit trail ({@link StepLog#startedJob}).
 */
@Configuration(proxyBeanMethods = false)
class SchemaRestoreSteps {

  private final RunbookSteps<SchemaRestoreRequest> steps;
  private final SchemaRestoreService service;
  private final PollSooner pollSooner;

  SchemaRestoreSteps(RunbookSteps.Services services, SchemaRestoreRunbook runbook, SchemaRestoreService service, PollSooner pollSooner) {
    this.steps = services.of(runbook);
    this.service = service;
    this.pollSooner = pollSooner;
  }

  /** Preflight: target reachable, dump present, what will be replaced, and the plan to approve. */
  @Bean
  RunbookStep preflightDelegate() {
    return steps.step("preflight", (execution, log) -> {
      RestorePlan plan;
      try {
        plan = service.preflight(steps.request(execution), execution.getProcessInstanceId(), log);
      } catch (DumpNotFoundException e) {
        throw AuditedStep.fail(execution, SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
      }
      steps.plans().present(execution, plan, "preflight");
      return "plan computed: " + plan.usersToReplace().size() + " users, " + plan.inventory().sessions().size() + " sessions";
    });
  }

  /**
   * Computes the plan again just before the reset. If the database changed since the approval (a new user, more
   * objects, another dump), the run goes back to approval showing what changed. The first step of the approved pass:
   * nothing destructive runs until it has found the approved plan still true.
   */
  @Bean
  RunbookStep recheckPlanDelegate() {
    return steps.guarded(RECHECK, (execution, log) -> {
      RestorePlan approved = approved(execution);
      RestorePlan current;
      try {
        current = service.preflight(approved.request(), execution.getProcessInstanceId(), log);
      } catch (DumpNotFoundException e) {
        throw AuditedStep.fail(execution, SchemaRestoreProcess.Errors.DUMP_NOT_FOUND, e.getMessage());
      }
      return steps.plans().recheck(execution, approved, current, RECHECK) ? "plan changed since approval; back to approval"
          : "plan unchanged since approval (" + approved.hash() + ")";
    });
  }

  @Bean
  RunbookStep startSafetyExportDelegate() {
    return steps.guarded(RestoreJob.SAFETY_EXPORT.step, (execution, log) -> start(RestoreJob.SAFETY_EXPORT, execution, log));
  }

  @Bean
  RunbookStep checkSafetyExportDelegate() {
    return steps.guarded(RestoreJob.SAFETY_EXPORT.step, (execution, log) -> check(RestoreJob.SAFETY_EXPORT, execution, log)).poll();
  }

  /** Reset: lock the accounts, end their sessions, drop them with everything they own. Safe to run twice. */
  @Bean
  RunbookStep resetSchemaDelegate() {
    return steps.guarded(RESET, (execution, log) -> {
      RestorePlan plan = approved(execution);
      service.reset(plan, log);
      return "dropped " + plan.inventory().existingUsers().size() + " users";
    });
  }

  /** Bootstrap: create the users with minimal grants (and, on Oracle, the DIRECTORY) for the import. */
  @Bean
  RunbookStep bootstrapUsersDelegate() {
    return steps.guarded(BOOTSTRAP, (execution, log) -> {
      RestorePlan plan = approved(execution);
      service.bootstrap(plan, log);
      if (!plan.lockedUsers().isEmpty()) {
        log.fact("lockedUsers", plan.lockedUsers());
      }
      return "created " + plan.usersToReplace().size() + " users" + (plan.lockedUsers().isEmpty() ? "" : ", locked: " + plan.lockedUsers());
    });
  }

  @Bean
  RunbookStep startImportDelegate() {
    return steps.guarded(RestoreJob.IMPORT.step, (execution, log) -> start(RestoreJob.IMPORT, execution, log));
  }

  @Bean
  RunbookStep checkImportDelegate() {
    return steps.guarded(RestoreJob.IMPORT.step, (execution, log) -> check(RestoreJob.IMPORT, execution, log)).poll();
  }

  /**
   * Verify: invalid objects, key tables with rows, sequences past the values in use; a summary for the run. Guarded like
   * the steps before it: moving sequences changes the target.
   */
  @Bean
  RunbookStep verifyDelegate(ObjectMapper json) {
    return steps.guarded(VERIFY, (execution, log) -> {
      VerifyReport report = service.verify(approved(execution), log);
      execution.setVariable(VERIFY_SUMMARY, report.summary());
      execution.setVariable(INVALID_OBJECTS, String.join("\n", report.invalidObjects()));
      execution.setVariable(ROW_COUNTS, json.writeValueAsString(new TreeMap<>(report.rowCounts())));
      log.fact("rowCounts", new TreeMap<>(report.rowCounts()));
      log.fact("sequences", report.sequences());
      if (!report.passed()) {
        throw AuditedStep.fail(execution, SchemaRestoreProcess.Errors.VERIFICATION_FAILED, "verification failed: " + report.summary());
      }
      return report.summary();
    });
  }

  /**
   * A restore's last check against a reference target: the key tables of the restored schema are compared with the same
   * tables there (the table-compare process, called from the model with the tables {@link RestoreRun#referenceTables}
   * names), and the run ends failed when they differ.
   */
  @Bean
  RunbookStep checkReferenceDelegate(ComparisonStore store) {
    return steps.step("compare-with-reference", (execution, log) -> {
      String comparisonId = (String) execution.getVariable(COMPARISON_ID);
      List<TableRow> tables = store.tables(comparisonId);
      StringBuilder summary = new StringBuilder();
      boolean matches = !tables.isEmpty();
      for (TableRow table : tables) {
        long differences = table.result().differences();
        matches &= table.status() == Status.COMPLETED && differences == 0;
        summary.append(table.name()).append(": ")
            .append(table.status() == Status.FAILED ? "could not be compared (" + table.error() + ")" : differences + " rows differ")
            .append("; ");
        log.fact(table.name(), table.status() == Status.FAILED ? table.error() : differences + " rows differ");
      }
      log.fact("comparisonId", comparisonId);
      execution.setVariable(MATCHES_REFERENCE, matches);
      String outcome = (matches ? "matches reference " : "differs from reference ") + steps.request(execution).referenceTarget()
          + ": " + summary + "details in /api/comparisons/" + comparisonId;
      if (!matches) {
        execution.setVariable(RunVariables.FAILURE_REASON, outcome);
      }
      return outcome;
    });
  }

  /** Starts a job (or attaches to it) and records whether it already finished. */
  private String start(RestoreJob job, DelegateExecution execution, StepLog log) {
    RestorePlan plan = approved(execution);
    JobSpec spec = job.spec.apply(plan);
    if (spec == null) {
      execution.setVariable(job.doneVariable, true);
      return "nothing to do: no schema exists to export";
    }
    if (job == RestoreJob.SAFETY_EXPORT) {
      execution.setVariable(SAFETY_EXPORT_FILE, spec.file());
    }
    JobProgress progress = service.startJob(plan, spec, execution.getProcessInstanceId(), log);
    watch(job, plan, spec, execution.getProcessInstanceId());
    return record(execution, job, progress);
  }

  /**
   * Polls a job; the step is finished in the audit trail when the job is. The look starts nothing; a job it finds never
   * started or gone is started again here, and the start is recorded in the audit trail like the start step's.
   */
  private String check(RestoreJob job, DelegateExecution execution, StepLog log) {
    RestorePlan plan = approved(execution);
    JobSpec spec = job.spec.apply(plan);
    String runId = execution.getProcessInstanceId();
    JobProgress progress = service.lookAtJob(plan, spec, runId);
    if (progress.needsStart()) {
      progress = service.startJob(plan, spec, runId, log);
    }
    if (progress.state() == JobProgress.State.RUNNING) {
      // After a restart, or on another node, this is the first chance to watch the job.
      watch(job, plan, spec, runId);
    }
    String outcome = record(execution, job, progress);
    if (progress.state() == JobProgress.State.SUCCEEDED && !progress.errors().isEmpty()) {
      log.fact("warnings", progress.errors());
    }
    return outcome;
  }

  /** Lets this node bring the next poll forward when it sees the job end. */
  private void watch(RestoreJob job, RestorePlan plan, JobSpec spec, String processInstanceId) {
    service.whenFinished(plan, spec, processInstanceId)
        .ifPresent(finished -> pollSooner.watch(processInstanceId, spec.name(), job.waitActivity, finished));
  }

  /** Writes progress and completion to the run; throws when the job failed, with its log's error lines. */
  static String record(DelegateExecution execution, RestoreJob job, JobProgress progress) {
    if (job == RestoreJob.IMPORT) {
      execution.setVariable(RunVariables.PROGRESS, progress.percent());
    }
    switch (progress.state()) {
      case RUNNING -> {
        return RunbookSteps.job(execution, job.doneVariable, false, progress.host(), null);
      }
      case SUCCEEDED -> {
        return RunbookSteps.job(execution, job.doneVariable, true, progress.host(), job.step + " finished (" + progress.detail() + ")");
      }
      case FAILED -> throw new IllegalStateException(job.step + " failed (" + progress.detail() + "):\n" + String.join("\n", progress.errors()));
      default -> throw new IllegalStateException(job.step + " is not running (" + progress.detail() + ") although it was just started");
    }
  }

  private RestorePlan approved(DelegateExecution execution) {
    return steps.approved(execution, RestorePlan.class);
  }
}
