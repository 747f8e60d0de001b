package io.rebound.backup.runbooks;

import io.rebound.backup.runbooks.DatabaseBackupProcess.Elements;
import io.rebound.backup.runbooks.DatabaseBackupProcess.Variables;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.stereotype.Component;

/**
 * The runs at their shipment of logs, per target. One shipment of a target runs at a time: two collections that read
 * the archive directory at once would both take the segments the catalog does not hold yet and ship each file twice.
 * So a run that comes to its shipment while another run of the same target ships leaves the logs to it (which takes
 * what is archived when it collects; what comes later leaves with the next shipment). The other ships when it is
 * collecting already, or started earlier; so of two that look at once one ships, never both, never neither. A run held
 * by an incident, out of retries or suspended is not shipping: it holds no one back (its collection, if it publishes
 * later, is checked against the catalog and taken afresh when another run shipped part of it meanwhile).
 */
@Component
class LogShipments {

  private final RuntimeService runtime;
  private final HistoryService history;
  private final ManagementService management;

  LogShipments(ProcessEngine engine) {
    this.runtime = engine.getRuntimeService();
    this.history = engine.getHistoryService();
    this.management = engine.getManagementService();
  }

  /** Whether any run of the target is shipping: about to collect, collecting, or publishing, and not held. */
  boolean anyShipping(String target) {
    return !shipping(target).isEmpty();
  }

  /** The run of the target this one leaves its logs to, if any: one collecting already, else one that started earlier. */
  Optional<String> earlierThan(String target, String runId) {
    Set<String> others = shipping(target).stream().map(ProcessInstance::getId).filter(id -> !id.equals(runId))
        .collect(Collectors.toSet());
    if (others.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> collecting = others.stream().filter(id -> Boolean.FALSE.equals(runtime.getVariable(id, Variables.LOGS_SHIPPED)))
        .sorted().findFirst();
    if (collecting.isPresent()) {
      return collecting;
    }
    Comparator<HistoricProcessInstance> order = Comparator.comparing(HistoricProcessInstance::getStartTime)
        .thenComparing(HistoricProcessInstance::getId);
    Set<String> all = new HashSet<>(others);
    all.add(runId);
    List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery().processInstanceIds(all).list();
    HistoricProcessInstance self = runs.stream().filter(run -> run.getId().equals(runId)).findFirst().orElse(null);
    if (self == null) {
      // No history to order by: the smaller id ships.
      return others.stream().filter(id -> id.compareTo(runId) < 0).sorted().findFirst();
    }
    return runs.stream().filter(run -> !run.getId().equals(runId) && order.compare(run, self) < 0).min(order)
        .map(HistoricProcessInstance::getId);
  }

  private List<ProcessInstance> shipping(String target) {
    return runtime.createProcessInstanceQuery().variableValueEquals(Variables.TARGET, target)
        .activityIdIn(Elements.SHIP_LOGS, Elements.WAIT_LOGS).active().list().stream().filter(this::notHeld).toList();
  }

  /** Neither an incident nor a job out of retries holds the run. */
  private boolean notHeld(ProcessInstance run) {
    return runtime.createIncidentQuery().processInstanceId(run.getId()).count() == 0
        && management.createJobQuery().processInstanceId(run.getId()).noRetriesLeft().count() == 0;
  }
}
