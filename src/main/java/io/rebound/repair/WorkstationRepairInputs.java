package io.rebound.repair;

import static io.rebound.repair.WorkstationRepairProcess.Variables.*;

import io.rebound.runbook.Inputs;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.RunbookInputs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/** Reads and validates the inputs of a workstation repair, whichever way they came in. */
@Component
public class WorkstationRepairInputs implements RunbookInputs<WorkstationRepairRequest> {

  static final Set<String> ACCEPTED = Set.of(WORKSTATION);

  private final Workstations workstations;

  public WorkstationRepairInputs(Workstations workstations) {
    this.workstations = workstations;
  }

  @Override
  public Class<WorkstationRepairRequest> type() {
    return WorkstationRepairRequest.class;
  }

  @Override
  public WorkstationRepairRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, ACCEPTED);
    String id = Inputs.text(variables.get(WORKSTATION), WORKSTATION);
    if (id == null) {
      throw new InvalidInputException("workstation is required; configured workstations: " + workstations.ids());
    }
    if (!workstations.exists(id)) {
      throw new InvalidInputException("unknown workstation '" + Inputs.abbreviate(id) + "'; configured workstations: " + workstations.ids());
    }
    WorkstationProperties.Settings settings = workstations.settings(id);
    return new WorkstationRepairRequest(id, settings.approval(), settings.retransmissionWait().toString(),
        settings.retransmissionGiveUp().toString());
  }

  @Override
  public Map<String, Object> display(WorkstationRepairRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put(WORKSTATION, request.workstation());
    variables.put(APPROVAL_REQUIRED, request.approvalRequired());
    variables.put(RETRANSMISSION_WAIT, request.retransmissionWait());
    variables.put(RETRANSMISSION_GIVE_UP, request.retransmissionGiveUp());
    return variables;
  }
}
