package io.rebound.repair;

import org.springframework.stereotype.Service;

/** Reads a workstation and decides whether it needs a repair; changes nothing. */
@Service
public class WorkstationDiagnosis {

  private final Workstations workstations;
  private final NeedsRepairTable table;

  WorkstationDiagnosis(Workstations workstations, NeedsRepairTable table) {
    this.workstations = workstations;
    this.table = table;
  }

  public Diagnosis diagnose(String workstationId) {
    return diagnose(workstations.get(workstationId));
  }

  Diagnosis diagnose(Workstation workstation) {
    return diagnose(workstation, workstation.read());
  }

  /**
   * The diagnosis read again after an approval: the repair mark set since then is the run's own, so the
   * workstation is judged with the mark as the approved plan found it.
   */
  Diagnosis again(Workstation workstation, boolean repairMarkedBefore) {
    return diagnose(workstation, workstation.read().withRepairMarked(repairMarkedBefore));
  }

  private Diagnosis diagnose(Workstation workstation, WorkstationReadings readings) {
    var reasons = table.reasons(readings);
    return new Diagnosis(workstation.id(), !reasons.isEmpty(), reasons, readings.asMap());
  }
}
