package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.audit.AuditEvent;
import io.rebound.audit.AuditTrail;
import io.rebound.audit.AuditTrails;
import io.rebound.config.ReboundProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a runbook's schedules start: a process per schedule whose start event is a timer, resolved to the runbook by
 * its process keys. The run takes its inputs from the schedule, never from variables; with nobody authenticated (the
 * job executor) the schedule is the requester, a user who fires the timer is; a timer that is not one of the
 * runbook's schedules starts nothing.
 */
class RunbookScheduleTest {

  static final String KEY = "scheduled-runbook";
  static final String SCHEDULED = KEY + ".nightly";
  static final String UNKNOWN = KEY + ".unknown";
  static final ObjectMapper JSON = new ObjectMapper();

  static ProcessEngine engine;
  static AuditTrail audit;
  static Runbooks runbooks;

  record Request(String target) {}

  static final class ScheduledRunbook implements Runbook<Request>, RunbookInputs<Request> {
    @Override
    public String key() {
      return KEY;
    }

    @Override
    public String title() {
      return "scheduled test";
    }

    @Override
    public RunbookInputs<Request> inputs() {
      return this;
    }

    @Override
    public Optional<Approval<Request>> approval() {
      return Optional.empty();
    }

    @Override
    public Map<String, RunOutcome> outcomes() {
      return Map.of("EndEvent_Done", RunOutcome.COMPLETED);
    }

    @Override
    public List<String> processKeys() {
      return List.of(KEY, SCHEDULED, UNKNOWN);
    }

    @Override
    public Optional<Map<String, Object>> scheduledInputs(String timerStartEventId) {
      return "StartEvent_Nightly".equals(timerStartEventId) ? Optional.of(Map.of("target", "orders")) : Optional.empty();
    }

    @Override
    public Class<Request> type() {
      return Request.class;
    }

    @Override
    public Request parse(Map<String, ?> variables) {
      Inputs.onlyAccepted(variables, java.util.Set.of("target"));
      String target = Inputs.text(variables.get("target"), "target");
      if (target == null) {
        throw new InvalidInputException("target is required");
      }
      return new Request(target);
    }

    @Override
    public Map<String, Object> display(Request request) {
      return Map.of("target", request.target());
    }
  }

  @TempDir static Path anchorDirectory;

  @BeforeAll
  static void buildEngine() {
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), Path.of("w"),
        new ReboundProperties.Steps("R1/PT1S", Duration.ZERO, Duration.ZERO)));
    audit = AuditTrails.inMemory(targets, anchorDirectory);
    runbooks = new Runbooks(List.of(new ScheduledRunbook()));
    ApprovalLedger ledger = new ApprovalLedger(audit, JSON);
    RunbookRequests requests = new RunbookRequests(ledger, JSON);
    StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:schedule-engine-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setDatabaseSchemaUpdate("true");
    configuration.setJobExecutorActivate(false);
    configuration.setHistory("full");
    configuration.setProcessEnginePlugins(List.of(new RunbookEnginePlugin(runbooks, audit, ledger, requests, JSON)));
    configuration.setProcessEngineName("schedule-" + UUID.randomUUID());
    engine = configuration.buildProcessEngine();
    engine.getRepositoryService().createDeployment()
        .addModelInstance(SCHEDULED + ".bpmn", timerStarted(SCHEDULED, "StartEvent_Nightly"))
        .addModelInstance(UNKNOWN + ".bpmn", timerStarted(UNKNOWN, "StartEvent_Hourly"))
        .deploy();
  }

  static BpmnModelInstance timerStarted(String key, String startEvent) {
    return Bpmn.createExecutableProcess(key).camundaHistoryTimeToLive(1)
        .startEvent(startEvent).timerWithCycle("0 0 1 * * ?")
        .userTask("UserTask_Wait")
        .endEvent("EndEvent_Done")
        .done();
  }

  @AfterAll
  static void closeEngine() {
    engine.close();
  }

  @AfterEach
  void logOut() {
    engine.getIdentityService().clearAuthentication();
  }

  @Test
  void shouldStartAScheduleFiredByNobodyWithTheScheduleAsRequesterAndItsInputs() {
    String run = fire(SCHEDULED);

    AuditEvent requested = audit.events(run).get(0);
    assertThat(requested.type()).isEqualTo("REQUESTED");
    assertThat(requested.actor()).isEqualTo("schedule:StartEvent_Nightly").isEqualTo(Requesters.scheduled("StartEvent_Nightly"));
    assertThat(requested.details()).contains("\"schedule\":\"StartEvent_Nightly\"", "\"target\":\"orders\"");
    assertThat(engine.getRuntimeService().getVariables(run)).containsEntry("target", "orders")
        .containsEntry(RunVariables.REQUESTER, "schedule:StartEvent_Nightly");
  }

  @Test
  void shouldRecordTheUserWhoFiresAScheduleAsItsRequester() {
    engine.getIdentityService().setAuthentication("op", List.of());
    String run = fire(SCHEDULED);

    assertThat(audit.events(run).get(0).actor()).isEqualTo("op");
    assertThat(engine.getRuntimeService().getVariable(run, "target")).isEqualTo("orders");
  }

  @Test
  void shouldStartNothingFromATimerThatIsNotOneOfTheRunbooksSchedules() {
    ManagementService management = engine.getManagementService();
    Job timer = management.createJobQuery().timers().processDefinitionKey(UNKNOWN).singleResult();
    long before = engine.getHistoryService().createHistoricProcessInstanceQuery().count();

    assertThatThrownBy(() -> management.executeJob(timer.getId())).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("StartEvent_Hourly is not a schedule of the scheduled test");
    assertThat(engine.getHistoryService().createHistoricProcessInstanceQuery().count()).isEqualTo(before);
  }

  @Test
  void shouldTakeTheSchedulesInputsWhateverAStartOfItsProcessGivesAndResolveItsProcessKeys() {
    engine.getIdentityService().setAuthentication("op", List.of());
    String run = engine.getRuntimeService().startProcessInstanceByKey(SCHEDULED, Map.of("target", "x", "other", 1)).getId();

    assertThat(engine.getRuntimeService().getVariables(run)).containsEntry("target", "orders").doesNotContainKey("other");
    assertThat(audit.events(run).get(0).actor()).isEqualTo("op");
    assertThat(runbooks.find(SCHEDULED)).isPresent();
    assertThat(runbooks.find("another")).isEmpty();
    assertThat(runbooks.find(null)).isEmpty();
    assertThat(runbooks.isRunbook(UNKNOWN)).isTrue();
    assertThat(runbooks.keys()).containsExactly(KEY, SCHEDULED, UNKNOWN);
  }

  private static String fire(String key) {
    ManagementService management = engine.getManagementService();
    Job timer = management.createJobQuery().timers().processDefinitionKey(key).singleResult();
    java.util.Set<String> before = new java.util.HashSet<>(ids(key));
    management.executeJob(timer.getId());
    List<String> started = ids(key).stream().filter(id -> !before.contains(id)).toList();
    assertThat(started).hasSize(1);
    return started.get(0);
  }

  private static List<String> ids(String key) {
    return engine.getRuntimeService().createProcessInstanceQuery().processDefinitionKey(key).list().stream().map(run -> run.getId()).toList();
  }
}
