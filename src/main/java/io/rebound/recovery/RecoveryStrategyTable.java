package io.rebound.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;

/**
 * The decision table {@code processes/media-recovery-strategy.dmn}, the one deployed to the engine (and so readable in
 * Cockpit), evaluated in-process over a triage: the decision is part of the plan the approver approves by its hash, and
 * the triage after the approval decides again with the very same table.
 */
final class RecoveryStrategyTable {

  static final String RESOURCE = "processes/media-recovery-strategy.dmn";
  static final String KEY = "media-recovery-strategy";

  private final DmnEngine engine;
  private final DmnDecision decision;

  RecoveryStrategyTable() {
    engine = DmnEngineConfiguration.createDefaultDmnEngineConfiguration().buildEngine();
    try (InputStream model = RecoveryStrategyTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (model == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      decision = engine.parseDecision(KEY, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The table's inputs for a triage and whether a point in time was asked for. */
  static Map<String, Object> inputs(Triage triage, boolean pointRequested) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("filesAffected", triage.files().size());
    inputs.put("restoreUnit", triage.restoreUnit().name());
    inputs.put("essentialInvolved", triage.essentialInvolved());
    inputs.put("locationUsable", triage.locationUsable());
    inputs.put("logsArchived", triage.logs().archived());
    inputs.put("pointRequested", pointRequested);
    return inputs;
  }

  StrategyDecision decide(Triage triage, boolean pointRequested) {
    return decide(inputs(triage, pointRequested));
  }

  /** The first rule that matches; a table that matches none for these inputs is a mistake in the table, not an outcome. */
  StrategyDecision decide(Map<String, Object> inputs) {
    DmnDecisionRuleResult rule = engine.evaluateDecisionTable(decision, inputs).getFirstResult();
    if (rule == null) {
      throw new IllegalStateException(RESOURCE + " has no rule for " + inputs);
    }
    return new StrategyDecision(Strategy.valueOf((String) rule.get("strategy")), (Boolean) rule.get("mountNeeded"),
        (Boolean) rule.get("renameNeeded"), (Boolean) rule.get("complete"), (String) rule.get("dataLoss"));
  }
}
