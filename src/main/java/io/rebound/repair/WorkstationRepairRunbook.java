package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Elements.*;

import io.rebound.runbook.Approval;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/** The workstation repair as the runbook core knows it. */
@Component
public class WorkstationRepairRunbook implements Runbook<WorkstationRepairRequest> {

  /** The steps that change the workstation's data, by their audit names, in the order one approval lets them run. */
  static final String RECHECK_PLAN = "recheck-plan";
  static final String RESTORE_QUEUES = "restore-queues";
  static final String FETCH_FROM_SERVER = "fetch-from-server";
  static final String AWAIT_OWN_REPLICAS = "await-own-replicas";
  static final String APPLY_QUE_IN = "apply-que-in";
  static final String APPLY_UNSENT_QUE_OUT = "apply-unsent-que-out";
  static final String REPAIR_GENERATORS = "repair-generators";
  static final String REPAIR_MARKS = "repair-marks";
  static final String REMOVE_REPAIR_MARK = "remove-repair-mark";
  static final List<String> PASS = List.of(RESTORE_QUEUES, FETCH_FROM_SERVER, AWAIT_OWN_REPLICAS, APPLY_QUE_IN, APPLY_UNSENT_QUE_OUT,
      REPAIR_GENERATORS, REPAIR_MARKS, REMOVE_REPAIR_MARK);
  /** An approved run first checks that what the approver saw still holds; an unattended one goes straight to the work. */
  static final List<String> APPROVED_PASS = Stream.concat(Stream.of(RECHECK_PLAN), PASS.stream()).toList();

  private final WorkstationRepairInputs inputs;

  public WorkstationRepairRunbook(WorkstationRepairInputs inputs) {
    this.inputs = inputs;
  }

  @Override
  public String key() {
    return WorkstationRepairProcess.KEY;
  }

  @Override
  public String title() {
    return "workstation repair";
  }

  @Override
  public WorkstationRepairInputs inputs() {
    return inputs;
  }

  @Override
  public Optional<Approval<WorkstationRepairRequest>> approval() {
    return Optional.of(new Approval<>(APPROVE_REPAIR, request -> request.approvalRequired() ? APPROVED_PASS : PASS,
        request -> "Approve repair of workstation " + request.workstation()));
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(END_REPAIRED, RunOutcome.COMPLETED, END_NO_REPAIR_NEEDED, RunOutcome.COMPLETED, END_REJECTED, RunOutcome.REJECTED, END_PLAN_CHANGED, RunOutcome.FAILED,
        END_EXPIRED, RunOutcome.EXPIRED);
  }
}
