package io.rebound.repair;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.springframework.stereotype.Component;

/**
 * The decision table {@code processes/workstation-needs-repair.dmn}, the one deployed to the engine (and so
 * readable in Cockpit), evaluated in-process: a diagnosis asked over the API starts nothing and needs no
 * engine authorization.
 */
@Component
class NeedsRepairTable {

  static final String RESOURCE = "processes/workstation-needs-repair.dmn";
  static final String KEY = "workstation-needs-repair";

  private final DmnEngine engine;
  private final DmnDecision decision;

  NeedsRepairTable() {
    engine = DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine();
    try (InputStream model = NeedsRepairTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (model == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      decision = engine.parseDecision(KEY, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every reason the table gives for these readings, in the table's order; empty for a healthy workstation. */
  List<Diagnosis.Reason> reasons(WorkstationReadings readings) {
    Map<String, Object> variables = readings.asMap();
    return engine.evaluateDecisionTable(decision, variables).getResultList().stream()
        .map(rule -> new Diagnosis.Reason((String) rule.get("reason"), (String) rule.get("explanation")))
        .toList();
  }
}
