package io.rebound.backup.runbooks;

import io.rebound.backup.runbooks.DatabaseBackupProcess.Elements;
import io.rebound.backup.runbooks.DatabaseBackupProcess.Variables;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.stereotype.Component;

/**
 * The runs at their shipment of logs, per target. One shipment of a target runs at a time: two collections that read
 * the archive directory at once would both take the segments the catalog does not hold yet and ship each file twice.
 * So a run that comes to its shipment while an earlier run of the same target is at its own leaves the logs to that
 * run (which takes what is archived when it collects; what comes later leaves with the next shipment). Earlier is by
 * start time, so of two runs that look at once, the earlier ships and the later does not: never both, never neither.
 */
@Component
class LogShipments {

  private final RuntimeService runtime;
  private final HistoryService history;

  LogShipments(ProcessEngine engine) {
    this.runtime = engine.getRuntimeService();
    this.history = engine.getHistoryService();
  }

  /** Whether any run of the target is at its shipment of logs: about to collect, collecting, or publishing. */
  boolean anyShipping(String target) {
    return !shipping(target).isEmpty();
  }

  /** The run of the target that started before {@code runId} and is at its shipment of logs, if any. */
  Optional<String> earlierThan(String target, String runId) {
    Set<String> others = shipping(target).stream().map(ProcessInstance::getId).filter(id -> !id.equals(runId))
        .collect(Collectors.toSet());
    if (others.isEmpty()) {
      return Optional.empty();
    }
    Comparator<HistoricProcessInstance> order = Comparator.comparing(HistoricProcessInstance::getStartTime)
        .thenComparing(HistoricProcessInstance::getId);
    List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery()
        .processInstanceIds(union(others, runId)).list();
    HistoricProcessInstance self = runs.stream().filter(run -> run.getId().equals(runId)).findFirst().orElse(null);
    if (self == null) {
      return others.stream().sorted().findFirst();
    }
    return runs.stream().filter(run -> !run.getId().equals(runId) && order.compare(run, self) < 0).min(order)
        .map(HistoricProcessInstance::getId);
  }

  /** When the newest run of a schedule's process started, running or ended. */
  Optional<java.time.Instant> lastScheduledStart(String processKey) {
    return history.createHistoricProcessInstanceQuery().processDefinitionKey(processKey).orderByProcessInstanceStartTime().desc()
        .listPage(0, 1).stream().findFirst().map(run -> run.getStartTime().toInstant());
  }

  private List<ProcessInstance> shipping(String target) {
    return runtime.createProcessInstanceQuery().variableValueEquals(Variables.TARGET, target)
        .activityIdIn(Elements.SHIP_LOGS, Elements.WAIT_LOGS).list();
  }

  private static Set<String> union(Set<String> others, String runId) {
    Set<String> ids = new java.util.HashSet<>(others);
    ids.add(runId);
    return ids;
  }
}
