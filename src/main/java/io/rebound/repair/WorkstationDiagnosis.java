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
    WorkstationReadings readings = workstation.read();
    var reasons = table.reasons(readings);
    return new Diagnosis(workstation.id(), !reasons.isEmpty(), reasons, readings.asMap());
  }
}
