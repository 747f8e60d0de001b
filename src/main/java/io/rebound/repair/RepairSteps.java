package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Variables.NEEDS_REPAIR;
import static io.rebound.repair.WorkstationRepairProcess.Variables.OWN_REPLICAS_COMPLETE;
import static io.rebound.repair.WorkstationRepairProcess.Variables.REASONS;
import static io.rebound.repair.WorkstationRepairProcess.Variables.SERVER_REPLICAS_COMPLETE;
import static io.rebound.repair.WorkstationRepairRunbook.*;

import io.rebound.runbook.RunVariables;
import io.rebound.runbook.RunbookStep;
import io.rebound.runbook.RunbookSteps;
import io.rebound.runbook.ShutdownSignal;
import java.time.Instant;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The steps of the workstation-repair process, one bean each under the name the model calls: thin delegates over the
 * run's {@link Workstation}. Diagnose, the repair mark and its withdrawal change nothing of the workstation's data;
 * every step after the approval is guarded by it (one pass, each step once and in order), or, for a workstation
 * configured without approval, counted the same way from the run's request.
 */
@Configuration(proxyBeanMethods = false)
class RepairSteps {

  /** An engine text variable holds 4000 characters; the whole reason is in the audit trail. */
  static final int REASON_LIMIT = 3800;

  private final RunbookSteps<WorkstationRepairRequest> steps;
  private final Workstations workstations;
  private final RepairRun run;
  private final WorkstationDiagnosis diagnosis;

  RepairSteps(RunbookSteps.Services services, WorkstationRepairRunbook runbook, Workstations workstations, RepairRun run,
      WorkstationDiagnosis diagnosis) {
    this.steps = services.of(runbook, WorkstationRepairRequest::approvalRequired);
    this.workstations = workstations;
    this.run = run;
    this.diagnosis = diagnosis;
  }

  /** Diagnose: reads every number and lets the decision table say whether a repair is needed, and why. */
  @Bean
  RunbookStep diagnoseWorkstationDelegate() {
    return steps.step("diagnose", (execution, log) -> {
      Diagnosis found = diagnosis.diagnose(workstation(execution));
      found.readings().forEach(log::fact);
      execution.setVariable(NEEDS_REPAIR, found.needsRepair());
      execution.setVariable(REASONS, String.join(", ", found.reasons().stream().map(Diagnosis.Reason::code).toList()));
      if (!found.needsRepair()) {
        return "no repair needed: queues, working directory, marks and server agree";
      }
      steps.plans().present(execution, RepairPlan.of(found), "diagnose");
      return "repair needed: " + found.reasons().stream().map(Diagnosis.Reason::code).toList();
    });
  }

  /**
   * Sets the "repair started" mark before anything else changes: the workstation's normal cycle stops, and a repair cut
   * off anywhere is visible to the next diagnosis.
   */
  @Bean
  RunbookStep markRepairStartedDelegate() {
    return steps.step("mark-repair-started", (execution, log) -> {
      workstation(execution).markRepairStarted(execution.getProcessInstanceId());
      return "repair mark set";
    });
  }

  /** A repair rejected, expired or refused before it changed anything: its mark goes, and the workstation replicates again as it was. */
  @Bean
  RunbookStep withdrawRepairMarkDelegate() {
    return steps.step("withdraw-repair-mark", (execution, log) -> {
      workstation(execution).removeRepairMark();
      return "repair mark removed; nothing was changed";
    });
  }

  /**
   * The first step after an approval: the workstation and the server are read again and the plan computed anew. The
   * approver judged figures read live (what the server says we read and it received, the queues, the marks) that may
   * have moved while the approval waited; a plan whose hash differs from the approved one would repair by figures nobody
   * approved, so the run is refused with what changed, and a new run diagnoses afresh. What the hash leaves out, and why,
   * is in {@link RepairPlan#NOT_APPROVED}.
   *
   * <p>A changed plan is not a failure of this step: the model routes on {@code planChanged} to withdraw the repair mark
   * before the run ends as refused. A BpmnError would have no boundary event to catch it here and would end the run with
   * the mark still set, the workstation's normal cycle stopped. So the step records the reason itself and ends.
   */
  @Bean
  RunbookStep recheckRepairPlanDelegate() {
    return steps.guarded(RECHECK_PLAN, (execution, log) -> {
      RepairPlan approved = steps.approved(execution, RepairPlan.class);
      Diagnosis now = diagnosis.again(workstation(execution), Boolean.TRUE.equals(approved.readings().get("repairMarked")));
      now.readings().forEach(log::fact);
      RepairPlan current = RepairPlan.of(now);
      if (!steps.plans().recheck(execution, approved, current, RECHECK_PLAN)) {
        return "plan unchanged since approval (" + approved.hash() + ")";
      }
      String reason = "refused after approval: the workstation or the server changed since the plan was approved, so the repair would"
          + " not be the one approved:\n" + approved.changesTo(current) + "Nothing was repaired; start a new repair, which diagnoses afresh.";
      execution.setVariable(RunVariables.FAILURE_REASON, reason.length() <= REASON_LIMIT ? reason
          : reason.substring(0, REASON_LIMIT) + "\n… (the whole list is in the audit trail)");
      return reason;
    });
  }

  /** QueIn and QueOut restored from the working directory up to its newest replica. */
  @Bean
  RunbookStep restoreQueuesDelegate() {
    return steps.guarded(RESTORE_QUEUES, (execution, log) -> workstation(execution).restoreQueuesFromDirectory());
  }

  /**
   * Where a queue is still behind what the server says we read or sent, the missing replicas come from the server; those
   * it no longer offers are asked for again, and the model's timer brings the run back here.
   */
  @Bean
  RunbookStep fetchFromServerDelegate() {
    // Not a poll: the timer leads back to this same task, the only one that starts the step, so each pass records its start.
    return steps.guarded(FETCH_FROM_SERVER, (execution, log) -> {
      Workstation workstation = workstation(execution);
      WorkstationReadings readings = workstation.read();
      List<Gap> missing = workstation.fetchFromServer(readings.serverReadUpTo(), readings.serverSentUpTo());
      log.fact("serverReadUpTo", readings.serverReadUpTo());
      log.fact("serverSentUpTo", readings.serverSentUpTo());
      boolean complete = RetransmissionWait.complete(execution, workstation, missing, run.retransmissionGiveUp(execution), Instant.now());
      execution.setVariable(SERVER_REPLICAS_COMPLETE, complete);
      // While it waits the step has not finished: it runs again, under the same approval, when the timer fires.
      return complete ? "QueIn holds the common stream up to " + readings.serverReadUpTo() + ", QueOut our replicas up to "
          + readings.serverSentUpTo() : null;
    });
  }

  /**
   * Our own data comes back only through the common stream: QueIn must hold our own replicas up to what the server says
   * we sent before anything is applied. The stream is read on, and asked for again, until it does.
   */
  @Bean
  RunbookStep awaitOwnReplicasDelegate() {
    return steps.guarded(AWAIT_OWN_REPLICAS, (execution, log) -> {
      Workstation workstation = workstation(execution);
      long sent = workstation.read().serverSentUpTo();
      List<Gap> missing = workstation.fetchOwnReplicas(sent);
      boolean complete = RetransmissionWait.complete(execution, workstation, missing, run.retransmissionGiveUp(execution), Instant.now());
      execution.setVariable(OWN_REPLICAS_COMPLETE, complete);
      return complete ? "QueIn holds our own replicas up to " + sent : null;
    });
  }

  /**
   * QueIn applied from the applied mark to its end, each replica in one transaction with the mark. A stop of the
   * application ends it between two replicas, so the stop does not wait for the whole queue.
   */
  @Bean
  RunbookStep applyQueInDelegate(ShutdownSignal shutdown) {
    return steps.guarded(APPLY_QUE_IN, (execution, log) -> {
      Workstation workstation = workstation(execution);
      long applied = workstation.applyQueIn(shutdown::stopping);
      WorkstationReadings after = workstation.read();
      if (after.queInApplied() < after.queInLast()) {
        // The application is stopping: the step fails unfinished, and the next start (or another node) goes on from the mark.
        throw new IllegalStateException("stopped by the application's shutdown after applying " + applied + " replicas, QueIn applied up to "
            + after.queInApplied() + " of " + after.queInLast() + "; applying goes on from there");
      }
      return "applied " + applied + " QueIn replicas; applied up to " + after.queInApplied() + " of " + after.queInLast();
    });
  }

  /** The QueOut replicas the server never received: their changes are in no QueIn replica, so they are applied from QueOut. */
  @Bean
  RunbookStep applyUnsentQueOutDelegate() {
    return steps.guarded(APPLY_UNSENT_QUE_OUT, (execution, log) -> {
      Workstation workstation = workstation(execution);
      long sent = workstation.read().serverSentUpTo();
      return "applied " + workstation.applyUnsentQueOut(sent) + " QueOut replicas the server never received (after " + sent + ")";
    });
  }

  /** After our own replicas were applied the generators are behind: each moves past the highest key it made. */
  @Bean
  RunbookStep repairGeneratorsDelegate() {
    return steps.guarded(REPAIR_GENERATORS, (execution, log) -> {
      List<String> moved = workstation(execution).repairGenerators();
      moved.forEach(line -> log.ran("setval", line));
      return moved.isEmpty() ? "every generator was already past its keys" : "moved " + moved.size() + " generators";
    });
  }

  /**
   * The sent mark moved up to what the server received when it lags, and the audit marks to the state after the repair.
   * The applied mark needs nothing: applying QueIn moved it.
   */
  @Bean
  RunbookStep repairMarksDelegate() {
    return steps.guarded(REPAIR_MARKS, (execution, log) -> {
      Workstation workstation = workstation(execution);
      return workstation.repairMarks(workstation.read().serverSentUpTo());
    });
  }

  /** The last step: the "repair started" mark goes, and only then is the repair complete. */
  @Bean
  RunbookStep removeRepairMarkDelegate() {
    return steps.guarded(REMOVE_REPAIR_MARK, (execution, log) -> {
      workstation(execution).removeRepairMark();
      return "repair mark removed: the repair is complete";
    });
  }

  private Workstation workstation(DelegateExecution execution) {
    return workstations.get(steps.request(execution).workstation());
  }
}
