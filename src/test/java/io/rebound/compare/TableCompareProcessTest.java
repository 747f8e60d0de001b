package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Elements.*;
import static io.rebound.compare.TableCompareProcess.Variables.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import io.rebound.audit.AuditTrail;
import io.rebound.audit.AuditTrails;
import io.rebound.config.ReboundProperties;
import io.rebound.runbook.ShutdownSignal;
import io.rebound.target.Targets;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every path of {@code table-compare.bpmn} on an in-memory engine: lanes of tables compared one after the
 * other, chunk loops that go on, yield to a timer and end, a failing table that ends its branch while the
 * others go on, and retries that run out into an incident. The steps are stand-ins; what they do is tested
 * against real PostgreSQL servers elsewhere.
 */
@Deployment(resources = {"processes/table-compare.bpmn", "forms/table-compare-start.form"})
class TableCompareProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("model-test.camunda.cfg.xml").build();

  ProcessEngine processEngine;

  private final List<String> ran = new ArrayList<>();
  private final Map<String, Integer> chunksLeft = new ConcurrentHashMap<>();
  private final Set<String> failingAtPrepare = ConcurrentHashMap.newKeySet();
  private final Set<String> failingAtChunk = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> technicalFailures = new HashMap<>();
  private List<String> tables = List.of();
  private int yieldEvery;
  private int failedTables;

  @BeforeEach
  void registerStandIns() {
    processEngine = extension.getProcessEngine();
    BpmnAwareTests.init(processEngine);
    Mocks.register("reboundSteps", new Settings());
    Mocks.register("comparisonPlan", new Lanes());
    Mocks.register("prepareTableDelegate", (JavaDelegate) execution -> {
      String table = (String) execution.getVariable(TABLE);
      ran.add("prepare " + table);
      if (failingAtPrepare.contains(table)) {
        failedTables++;
        throw new BpmnError(TableCompareProcess.Errors.TABLE_FAILED, table + ": missing");
      }
      execution.setVariable(MORE_CHUNKS, chunksLeft.getOrDefault(table, 0) > 0);
    });
    Mocks.register("compareChunkDelegate", (JavaDelegate) execution -> {
      String table = (String) execution.getVariable(TABLE);
      ran.add("chunk " + table);
      if (technicalFailures.merge(table, -1, Integer::sum) >= 0) {
        throw new IllegalStateException("connection lost");
      }
      if (failingAtChunk.contains(table)) {
        failedTables++;
        throw new BpmnError(TableCompareProcess.Errors.TABLE_FAILED, table + ": no privilege");
      }
      int left = chunksLeft.merge(table, -1, Integer::sum);
      execution.setVariable(MORE_CHUNKS, left > 0);
      execution.setVariable(YIELD, yieldEvery > 0 && left > 0 && left % yieldEvery == 0);
    });
    Mocks.register("summariseComparisonDelegate", (JavaDelegate) execution -> {
      ran.add("summary");
      execution.setVariable(FAILED_TABLES, failedTables);
    });
  }

  @AfterEach
  void reset() {
    Mocks.reset();
  }

  @Test
  void shouldCompareEveryTableChunkByChunkAndComplete() {
    tables("a.one", 3, "a.two", 1, "a.three", 2);
    ProcessInstance run = start(2);
    runJobs(run);

    assertThat(run).hasPassed(PREPARE_TABLE, COMPARE_CHUNK, SUMMARISE, END_COMPLETED).hasNotPassed(END_COMPLETED_WITH_FAILURES).isEnded();
    assertThat(ran.stream().filter(r -> r.equals("chunk a.one"))).hasSize(3);
    assertThat(ran.stream().filter(r -> r.equals("chunk a.three"))).hasSize(2);
    assertThat(ran).containsSubsequence("prepare a.one", "chunk a.one", "chunk a.one", "chunk a.one");
    assertThat(ran).endsWith("summary");
  }

  @Test
  void shouldFinishATableWithNothingToCompareInOneStep() {
    tables("a.empty", 0);
    ProcessInstance run = start(1);
    runJobs(run);

    assertThat(run).hasPassed(PREPARE_TABLE, COMPARE_CHUNK, END_COMPLETED).isEnded();
    assertThat(ran).containsExactly("prepare a.empty", "chunk a.empty", "summary");
  }

  @Test
  void shouldYieldToATimerAndGoOn() {
    tables("a.long", 5);
    yieldEvery = 2;
    ProcessInstance run = start(1);
    runJobs(run);

    assertThat(run).hasPassed("TimerEvent_Yield", END_COMPLETED).isEnded();
    assertThat(ran.stream().filter(r -> r.equals("chunk a.long"))).hasSize(5);
  }

  @Test
  void shouldEndAFailedTablesBranchAndCompleteTheOthersWithFailures() {
    tables("a.gone", 2, "a.fine", 2, "a.denied", 2);
    failingAtPrepare.add("a.gone");
    failingAtChunk.add("a.denied");
    ProcessInstance run = start(3);
    runJobs(run);

    assertThat(run).hasPassed("EndEvent_TableFailed", END_COMPLETED_WITH_FAILURES).hasNotPassed(END_COMPLETED).isEnded();
    assertThat(ran.stream().filter(r -> r.equals("chunk a.fine"))).hasSize(2);
    assertThat(ran).doesNotContain("chunk a.gone");
  }

  @Test
  void shouldRaiseAnIncidentWhenAChunksRetriesRunOut() {
    tables("a.flaky", 1);
    technicalFailures.put("a.flaky", 3);
    ProcessInstance run = start(1);
    runJobs(run);

    Job chunk = managementService().createJobQuery().processInstanceId(run.getId()).activityId(COMPARE_CHUNK).singleResult();
    assertThat(chunk.getRetries()).isZero();
    assertThat(runtimeService().createIncidentQuery().processInstanceId(run.getId()).singleResult().getActivityId()).isEqualTo(COMPARE_CHUNK);

    managementService().setJobRetries(chunk.getId(), 1);
    runJobs(run);
    assertThat(run).hasPassed(END_COMPLETED).isEnded();
  }

  @Test
  void shouldFailATableWhoseChunkKeepsFailingOnItsLastAttemptInsteadOfRaisingAnIncident() {
    tables("a.flaky", 2);
    List<String> failed = new ArrayList<>();
    ComparisonService unreachable = new ComparisonService(null, null, List.of(), null, Runnable::run) {
      @Override
      public Progress compareNextChunks(String comparisonId, String table) {
        throw new IllegalStateException("connection lost");
      }

      @Override
      public void failed(String comparisonId, String table, String error) {
        failed.add(table + ": " + error);
        failedTables++;
      }
    };
    ShutdownSignal running = new ShutdownSignal();
    running.start();
    Mocks.register("compareChunkDelegate", new TableSteps.CompareChunkDelegate(auditTrail(), unreachable, null, running));
    ProcessInstance run = start(1);
    runJobs(run);

    assertThat(failed).containsExactly("a.flaky: connection lost");
    assertThat(runtimeService().createIncidentQuery().count()).isZero();
    assertThat(run).hasPassed("EndEvent_TableFailed", END_COMPLETED_WITH_FAILURES).isEnded();
  }

  private static AuditTrail auditTrail() {
    return AuditTrails.inMemory(new Targets(new ReboundProperties(Map.of(), Map.of(), java.nio.file.Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", java.time.Duration.ZERO, java.time.Duration.ZERO))), directory);
  }

  @TempDir static java.nio.file.Path directory;

  private void tables(Object... tableAndChunks) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < tableAndChunks.length; i += 2) {
      names.add((String) tableAndChunks[i]);
      chunksLeft.put((String) tableAndChunks[i], (Integer) tableAndChunks[i + 1]);
    }
    tables = names;
  }

  private ProcessInstance start(int parallelism) {
    // The runbook core is not in this engine: the variables its start would set are given directly.
    return runtimeService().startProcessInstanceByKey(TableCompareProcess.KEY,
        Map.of(COMPARISON_ID, "c-1", PARALLELISM, parallelism, TABLE_COUNT, tables.size()));
  }

  /** Runs the run's jobs (timers included, whatever their due date) until none is left with retries. */
  private void runJobs(ProcessInstance run) {
    for (int i = 0; i < 200; i++) {
      Job next = managementService().createJobQuery().processInstanceId(run.getId()).withRetriesLeft().list().stream()
          .findFirst().orElse(null);
      if (next == null) {
        return;
      }
      try {
        managementService().executeJob(next.getId());
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("connection lost");
      }
    }
    throw new AssertionError("the run did not settle within 200 jobs");
  }

  /** The lanes and each lane's tables, as {@link ComparisonPlan} gives them from the store. */
  public class Lanes {
    public List<Integer> lanes(DelegateExecution execution) {
      int parallelism = ((Number) execution.getVariable(PARALLELISM)).intValue();
      return IntStream.range(0, Math.max(1, Math.min(parallelism, tables.size()))).boxed().toList();
    }

    public List<String> tablesOfLane(DelegateExecution execution, Object lane) {
      int lanes = lanes(execution).size();
      int index = ((Number) lane).intValue();
      return IntStream.range(0, tables.size()).filter(i -> i % lanes == index).mapToObj(tables::get).toList();
    }
  }

  /** The step settings the model reads through {@code ${reboundSteps...}}. */
  public static class Settings {
    public String getRetryCycle() {
      return "R3/PT1S";
    }
  }
}
