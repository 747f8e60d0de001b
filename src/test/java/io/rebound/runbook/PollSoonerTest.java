package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A watched job's end fires the timer its run waits on, at once and through the engine, and nothing else: a run whose
 * timer is gone or already fired, a job that ended without an end of its own, a step that rolled back.
 */
class PollSoonerTest {

  static final String WAIT = "TimerEvent_Wait";
  static final Duration BOUND = Duration.ofSeconds(20);

  static ProcessEngine engine;
  static RuntimeService runtime;
  static PollSooner sooner;

  @BeforeAll
  static void engine() {
    StandaloneInMemProcessEngineConfiguration configuration = new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl("jdbc:h2:mem:poll-sooner-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setDatabaseSchemaUpdate("true");
    // No job executor: only an executed timer moves a run on, so a run that moved was moved by the watch.
    configuration.setJobExecutorActivate(false);
    configuration.setProcessEngineName("poll-sooner-" + UUID.randomUUID());
    engine = configuration.buildProcessEngine();
    runtime = engine.getRuntimeService();
    // A poll loop as the runbooks model it, with an hour between polls.
    BpmnModelInstance model = Bpmn.createExecutableProcess("polled").startEvent()
        .intermediateCatchEvent(WAIT).timerWithDuration("PT1H")
        .userTask("Task_Polled")
        .endEvent().done();
    engine.getRepositoryService().createDeployment().addModelInstance("polled.bpmn", model).deploy();
    sooner = new PollSooner(engine);
  }

  @AfterAll
  static void close() {
    sooner.close();
    engine.close();
  }

  private static String waitingRun() {
    String id = runtime.startProcessInstanceByKey("polled").getId();
    assertThat(timers(id)).isOne();
    return id;
  }

  private static long timers(String runId) {
    return engine.getManagementService().createJobQuery().processInstanceId(runId).activityId(WAIT).timers().count();
  }

  private static boolean polled(String runId) {
    return runtime.createExecutionQuery().processInstanceId(runId).activityId("Task_Polled").count() == 1;
  }

  @Test
  void shouldFireTheWaitingTimerWhenTheWatchedJobEnds() {
    String run = waitingRun();
    CompletableFuture<Void> ended = new CompletableFuture<>();

    sooner.watch(run, "backup", WAIT, ended);
    assertThat(polled(run)).isFalse();
    ended.complete(null);

    await().atMost(BOUND).until(() -> polled(run));
    assertThat(timers(run)).isZero();
    assertThat(sooner.watches(run, "backup")).isFalse();
  }

  @Test
  void shouldFireAtOnceForAJobThatEndedBeforeTheWatch() {
    String run = waitingRun();

    sooner.watch(run, "backup", WAIT, CompletableFuture.completedFuture(null));

    await().atMost(BOUND).until(() -> polled(run));
  }

  @Test
  void shouldWatchAJobOnceHoweverOftenItIsPolled() {
    String run = waitingRun();
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();

    sooner.watch(run, "backup", WAIT, first);
    sooner.watch(run, "backup", WAIT, second);
    second.complete(null);

    assertThat(sooner.watches(run, "backup")).isTrue();
    assertThat(polled(run)).isFalse();
    first.complete(null);
    await().atMost(BOUND).until(() -> polled(run));
  }

  @Test
  void shouldFireNothingForAJobThatEndedWithoutAnEnd() {
    String run = waitingRun();
    CompletableFuture<Void> stopped = new CompletableFuture<>();

    sooner.watch(run, "backup", WAIT, stopped);
    stopped.completeExceptionally(new CancellationException("stopped with the node"));

    await().atMost(BOUND).until(() -> !sooner.watches(run, "backup"));
    assertThat(polled(run)).isFalse();
    assertThat(timers(run)).isOne();
  }

  @Test
  void shouldLeaveARunAloneWhoseTimerIsGoneOrAlreadyFired() {
    String fired = waitingRun();
    String gone = waitingRun();
    engine.getManagementService().executeJob(engine.getManagementService().createJobQuery().processInstanceId(fired).singleResult().getId());
    runtime.deleteProcessInstance(gone, "cancelled");

    sooner.watch(fired, "backup", WAIT, CompletableFuture.completedFuture(null));
    sooner.watch(gone, "backup", WAIT, CompletableFuture.completedFuture(null));
    sooner.fireNow(gone, WAIT);

    await().atMost(BOUND).until(() -> !sooner.watches(fired, "backup") && !sooner.watches(gone, "backup"));
    assertThat(polled(fired)).isTrue();
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(gone).count()).isZero();
  }

  @Test
  void shouldWatchOnlyOnceTheStepsTransactionHasCommitted() {
    String committed = waitingRun();
    String rolledBack = waitingRun();
    TransactionSynchronizationManager.initSynchronization();
    try {
      sooner.watch(committed, "backup", WAIT, CompletableFuture.completedFuture(null));
      sooner.watch(rolledBack, "backup", WAIT, CompletableFuture.completedFuture(null));
      // Inside the transaction the timer may not be written yet: nothing fires.
      assertThat(polled(committed)).isFalse();
      var synchronizations = TransactionSynchronizationManager.getSynchronizations();
      assertThat(synchronizations).hasSize(2);
      synchronizations.get(0).afterCompletion(TransactionSynchronization.STATUS_COMMITTED);
      synchronizations.get(1).afterCompletion(TransactionSynchronization.STATUS_ROLLED_BACK);
    } finally {
      TransactionSynchronizationManager.clearSynchronization();
    }

    await().atMost(BOUND).until(() -> polled(committed));
    assertThat(polled(rolledBack)).isFalse();
    assertThat(sooner.watches(rolledBack, "backup")).isFalse();
  }
}
