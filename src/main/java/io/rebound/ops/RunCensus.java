package io.rebound.ops;

import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.Runbooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.metrics.Meter;
import org.camunda.bpm.engine.impl.persistence.entity.HistoricProcessInstanceEntity;
import org.camunda.bpm.engine.management.Metrics;
import org.camunda.bpm.engine.task.Task;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Counts in the engine what the metrics show: runs of each runbook in each state (the states {@code /api/runs} shows,
 * derived the same way: an open incident reads FAILED, a run at its approval WAITING_FOR_APPROVAL, an ended run by
 * its end event), incidents open, approvals waiting and the oldest one's age, steps waiting for a retry, and the
 * job executor's figures. A fixed number of count queries per runbook and one grouped query over the history, so the
 * cost does not grow with the number of runs shown; the caller caches the result.
 */
class RunCensus {

  /** Every state a run can read, as {@code /api/runs} names them. */
  static final List<String> STATES = states();

  /** The engine's job executor figures, by the name Rebound gives them. */
  static final Map<String, String> JOB_FIGURES = Map.of(
      "acquired", Metrics.JOB_ACQUIRED_SUCCESS,
      "acquisition-failures", Metrics.JOB_ACQUIRED_FAILURE,
      "executed", Metrics.JOB_SUCCESSFUL,
      "failed", Metrics.JOB_FAILED,
      "rejected", Metrics.JOB_EXECUTION_REJECTED);

  /** What was counted at one moment. Numbers missing from a map are zero. */
  record Snapshot(
      Map<String, Map<String, Long>> runs,
      Map<String, Long> incidents,
      Map<String, Long> approvals,
      Map<String, Double> oldestApprovalSeconds,
      Map<String, Long> retrying,
      Map<String, Long> jobFigures,
      long executable) {

    /** When the engine could not be asked: every figure reads NaN rather than a zero that would look like calm. */
    static final Snapshot UNKNOWN = new Snapshot(null, null, null, null, null, null, -1);

    double runs(String runbook, String state) {
      return runs == null ? Double.NaN : runs.getOrDefault(runbook, Map.of()).getOrDefault(state, 0L);
    }

    double incidents(String runbook) {
      return incidents == null ? Double.NaN : incidents.getOrDefault(runbook, 0L);
    }

    double approvals(String runbook) {
      return approvals == null ? Double.NaN : approvals.getOrDefault(runbook, 0L);
    }

    double oldestApprovalSeconds(String runbook) {
      return oldestApprovalSeconds == null ? Double.NaN : oldestApprovalSeconds.getOrDefault(runbook, 0.0);
    }

    double retrying(String runbook) {
      return retrying == null ? Double.NaN : retrying.getOrDefault(runbook, 0L);
    }

    double jobFigure(String figure) {
      return jobFigures == null ? Double.NaN : jobFigures.getOrDefault(figure, 0L);
    }

    double executableJobs() {
      return executable < 0 ? Double.NaN : executable;
    }
  }

  private final Runbooks runbooks;
  private final ProcessEngine engine;
  private final JdbcTemplate jdbc;

  RunCensus(Runbooks runbooks, ProcessEngine engine, JdbcTemplate jdbc) {
    this.runbooks = runbooks;
    this.engine = engine;
    this.jdbc = jdbc;
  }

  Snapshot take(Instant now) {
    RuntimeService runtime = engine.getRuntimeService();
    HistoryService history = engine.getHistoryService();
    TaskService tasks = engine.getTaskService();
    ManagementService management = engine.getManagementService();
    Map<String, Map<String, Long>> runs = new HashMap<>();
    Map<String, Long> incidents = new HashMap<>();
    Map<String, Long> approvals = new HashMap<>();
    Map<String, Double> oldest = new HashMap<>();
    Map<String, Long> retrying = new HashMap<>();
    for (Runbook<?> runbook : runbooks.all()) {
      String[] keys = runbook.processKeys().toArray(String[]::new);
      Map<String, Long> states = runs.computeIfAbsent(runbook.key(), k -> new HashMap<>());
      long unfinished = history.createHistoricProcessInstanceQuery().processDefinitionKeyIn(keys).unfinished().count();
      long failed = runtime.createProcessInstanceQuery().processDefinitionKeyIn(keys).withIncident().count();
      Optional<String> approvalTask = runbook.approval().map(a -> a.taskId());
      long waiting = approvalTask.map(task -> runtime.createProcessInstanceQuery().processDefinitionKeyIn(keys).activityIdIn(task).count())
          .orElse(0L);
      states.put("FAILED", failed);
      states.put("WAITING_FOR_APPROVAL", Math.min(waiting, Math.max(0, unfinished - failed)));
      states.put("RUNNING", Math.max(0, unfinished - failed - waiting));
      incidents.put(runbook.key(), runtime.createIncidentQuery().processDefinitionKeyIn(keys).count());
      if (approvalTask.isPresent()) {
        approvals.put(runbook.key(), tasks.createTaskQuery().processDefinitionKeyIn(keys).taskDefinitionKey(approvalTask.get()).count());
        List<Task> first = tasks.createTaskQuery().processDefinitionKeyIn(keys).taskDefinitionKey(approvalTask.get())
            .orderByTaskCreateTime().asc().listPage(0, 1);
        oldest.put(runbook.key(), first.isEmpty() ? 0.0 : Math.max(0, Duration.between(first.get(0).getCreateTime().toInstant(), now).toMillis() / 1000.0));
      }
      long retries = 0;
      for (String key : keys) {
        retries += management.createJobQuery().processDefinitionKey(key).withException().withRetriesLeft().count();
      }
      retrying.put(runbook.key(), retries);
    }
    countEnded(management, runs);
    return new Snapshot(runs, incidents, approvals, oldest, retrying, jobFigures(management),
        management.createJobQuery().executable().count());
  }

  /** Ended runs of every runbook by how they ended: one grouped query over the history's runs. */
  private void countEnded(ManagementService management, Map<String, Map<String, Long>> runs) {
    String table = management.getTableName(HistoricProcessInstanceEntity.class);
    jdbc.query("SELECT PROC_DEF_KEY_, STATE_, END_ACT_ID_, COUNT(*) FROM " + table
        + " WHERE END_TIME_ IS NOT NULL GROUP BY PROC_DEF_KEY_, STATE_, END_ACT_ID_", row -> {
          String key = row.getString(1);
          String historyState = row.getString(2);
          String endActivity = row.getString(3);
          long count = row.getLong(4);
          runbooks.find(key).ifPresent(runbook -> runs.computeIfAbsent(runbook.key(), k -> new HashMap<>())
              .merge(endState(runbook, historyState, endActivity), count, Long::sum));
        });
  }

  /** How an ended run reads, as {@code /api/runs} says it. */
  static String endState(Runbook<?> runbook, String historyState, String endActivityId) {
    if (HistoricProcessInstance.STATE_COMPLETED.equals(historyState)) {
      return runbook.outcome(endActivityId).name();
    }
    if (HistoricProcessInstance.STATE_EXTERNALLY_TERMINATED.equals(historyState)
        || HistoricProcessInstance.STATE_INTERNALLY_TERMINATED.equals(historyState)) {
      return "CANCELLED";
    }
    return "FAILED";
  }

  /**
   * The job executor's figures since the engine database was created: what every node has reported to it (nodes
   * report every 15 minutes) plus what this node counted since it last reported, so the figure moves at once.
   */
  private Map<String, Long> jobFigures(ManagementService management) {
    Map<String, Long> figures = new HashMap<>();
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    for (Map.Entry<String, String> figure : JOB_FIGURES.entrySet()) {
      Meter local = configuration.getMetricsRegistry() == null ? null : configuration.getMetricsRegistry().getDbMeterByName(figure.getValue());
      long reported = configuration.isMetricsEnabled() ? management.createMetricsQuery().name(figure.getValue()).sum() : 0;
      figures.put(figure.getKey(), reported + (local == null ? 0 : local.get()));
    }
    return figures;
  }

  private static List<String> states() {
    Set<String> states = new LinkedHashSet<>(List.of("RUNNING", "WAITING_FOR_APPROVAL"));
    for (RunOutcome outcome : RunOutcome.values()) {
      states.add(outcome.name());
    }
    states.add("FAILED");
    states.add("CANCELLED");
    return new ArrayList<>(states);
  }
}
