package io.rebound.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.runbook.DetachedProcess.Status;
import io.rebound.runbook.JobLiveness.LocalProcesses;
import io.rebound.runbook.JobLiveness.Runner;
import io.rebound.runbook.JobLiveness.Sighting;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The liveness rules alone, with job directories as other hosts, reboots and reused pids leave them. */
class JobLivenessTest {

  static final Duration STALE = Duration.ofSeconds(60);
  static final JobHost SELF = new JobHost("node-a", "boot-1", Duration.ofSeconds(5), STALE);
  static final Duration FRESH = Duration.ofSeconds(2);
  static final Duration OLD = Duration.ofMinutes(5);
  static final String STARTED = "2026-11-30T10:00:00.123Z";

  /** Processes of this host: pid 100 started at {@link #STARTED}, pid 200 of unknown start; nothing else lives. */
  static final LocalProcesses HERE = pid -> Optional.ofNullable(Map.of(100L, STARTED, 200L, "").get(pid));

  static Status judge(Runner runner, Duration sinceLastSign) {
    return JobLiveness.judge(new Sighting(null, true, runner, sinceLastSign), SELF, HERE);
  }

  @Test
  void shouldTakeTheExitCodeAsTheOutcomeWhoeverRanTheJob() {
    Runner elsewhere = new Runner("node-b", "boot-9", 100, STARTED);
    assertThat(JobLiveness.judge(new Sighting(0, true, elsewhere, OLD), SELF, HERE)).isEqualTo(Status.SUCCEEDED);
    assertThat(JobLiveness.judge(new Sighting(3, true, elsewhere, FRESH), SELF, HERE)).isEqualTo(Status.FAILED);
    assertThat(JobLiveness.judge(new Sighting(0, false, null, Duration.ZERO), SELF, HERE)).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void shouldSeeAJobWithoutAnyStartAsNotStarted() {
    assertThat(JobLiveness.judge(new Sighting(null, false, null, Duration.ZERO), SELF, HERE)).isEqualTo(Status.NOT_STARTED);
  }

  @Test
  void shouldWaitForAJobOfAnotherHostWhileItsHeartbeatIsFresh() {
    assertThat(judge(new Runner("node-b", "boot-9", 999, STARTED), FRESH)).isEqualTo(Status.RUNNING);
    assertThat(judge(new Runner("node-b", "boot-9", 999, STARTED), STALE.minusMillis(1))).isEqualTo(Status.RUNNING);
  }

  @Test
  void shouldCountAJobOfAnotherHostAsVanishedOnceItsHeartbeatIsStale() {
    assertThat(judge(new Runner("node-b", "boot-9", 999, STARTED), STALE)).isEqualTo(Status.VANISHED);
    assertThat(judge(new Runner("node-b", "boot-9", 999, STARTED), OLD)).isEqualTo(Status.VANISHED);
  }

  @Test
  void shouldNeverJudgeThePidOfAnotherHostEvenWhenAProcessOfThatPidLivesHere() {
    // pid 100 lives here, started at the very instant recorded: still not ours, it was recorded on node-b.
    assertThat(judge(new Runner("node-b", "boot-1", 100, STARTED), OLD)).isEqualTo(Status.VANISHED);
  }

  @Test
  void shouldTakeThisHostAfterARebootForAnotherHost() {
    assertThat(judge(new Runner("node-a", "boot-0", 100, STARTED), OLD)).isEqualTo(Status.VANISHED);
    assertThat(judge(new Runner("node-a", "boot-0", 100, STARTED), FRESH)).isEqualTo(Status.RUNNING);
  }

  @Test
  void shouldTrustItsOwnLiveProcessEvenWhenItsHeartbeatIsLate() {
    assertThat(judge(new Runner("node-a", "boot-1", 100, STARTED), OLD)).isEqualTo(Status.RUNNING);
  }

  @Test
  void shouldNotTakeAReusedPidOfThisHostForTheJob() {
    Runner reused = new Runner("node-a", "boot-1", 100, "2020-01-01T00:00:00Z");
    assertThat(judge(reused, OLD)).isEqualTo(Status.VANISHED);
    assertThat(JobLiveness.runsHere(reused, HERE)).isFalse();
  }

  @Test
  void shouldWaitForTheHeartbeatWhenTheWrapperOfThisHostIsGoneButItsCommandMayRunOn() {
    Runner deadWrapper = new Runner("node-a", "boot-1", 555, STARTED);
    assertThat(judge(deadWrapper, FRESH)).isEqualTo(Status.RUNNING);
    assertThat(judge(deadWrapper, OLD)).isEqualTo(Status.VANISHED);
  }

  @Test
  void shouldHoldAJobWhoseStartIsLockedButNotYetRecordedForRunningUntilTheLockIsStale() {
    assertThat(judge(null, FRESH)).isEqualTo(Status.RUNNING);
    assertThat(judge(null, OLD)).isEqualTo(Status.VANISHED);
  }

  @Test
  void shouldJudgeARecordFromBeforeHostsWereRecordedByItsPidAlone() {
    assertThat(judge(new Runner(null, "", 100, STARTED), OLD)).isEqualTo(Status.RUNNING);
    assertThat(judge(new Runner(null, "", 555, STARTED), FRESH)).isEqualTo(Status.VANISHED);
  }

  @Test
  void shouldTakeALivePidOfUnknownStartForTheJob() {
    assertThat(JobLiveness.runsHere(new Runner("node-a", "boot-1", 200, STARTED), HERE)).isTrue();
    assertThat(JobLiveness.runsHere(new Runner("node-a", "boot-1", 100, ""), HERE)).isTrue();
    assertThat(JobLiveness.runsHere(new Runner("node-a", "boot-1", 100, STARTED), HERE)).isTrue();
    assertThat(JobLiveness.runsHere(new Runner("node-a", "boot-1", 555, ""), HERE)).isFalse();
  }

  @Test
  void shouldReadTheRecordsItWritesAndTheOlderOneLineForm() {
    Runner runner = new Runner("node-b", "boot-9", 4242, STARTED);
    assertThat(Runner.parse(runner.format())).isEqualTo(runner);
    assertThat(runner.format()).isEqualTo("host=node-b\nboot=boot-9\npid=4242\nstarted=" + STARTED + "\n");
    assertThat(Runner.parse("4242 2020-01-01T00:00:00Z\n")).isEqualTo(new Runner(null, "", 4242, "2020-01-01T00:00:00Z"));
    assertThat(Runner.parse("4242 \n")).isEqualTo(new Runner(null, "", 4242, ""));
    assertThat(Runner.parse("4242")).isEqualTo(new Runner(null, "", 4242, ""));
    assertThat(Runner.parse("host=node-b\nstarted=" + STARTED + "\n=ignored\n")).isEqualTo(new Runner("node-b", "", 0, STARTED));
    assertThat(Runner.parse(" host = node-b \npid= 7\n")).isEqualTo(new Runner("node-b", "", 7, ""));
  }

  @Test
  void shouldSeeTheSameHostOnlyWhenHostAndBootAgree() {
    assertThat(SELF.isThisHost("node-a", "boot-1")).isTrue();
    assertThat(SELF.isThisHost("node-a", "boot-2")).isFalse();
    assertThat(SELF.isThisHost("node-b", "boot-1")).isFalse();
    assertThat(SELF.isThisHost("node-a", null)).isFalse();
    JobHost noBootId = new JobHost("node-a", null, Duration.ofSeconds(5), STALE);
    assertThat(noBootId.boot()).isEmpty();
    assertThat(noBootId.isThisHost("node-a", null)).isTrue();
    assertThat(noBootId.isThisHost("node-a", "")).isTrue();
  }

  @Test
  void shouldTakeTheConfiguredHostIdAndTheMachinesNameOtherwise() {
    JobHost configured = JobHost.of(new NodeProperties("host-b", Duration.ofSeconds(1), Duration.ofSeconds(3)));
    assertThat(configured.id()).isEqualTo("host-b");
    assertThat(configured.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(configured.staleAfter()).isEqualTo(Duration.ofSeconds(3));
    JobHost machine = JobHost.of(new NodeProperties(" ", Duration.ofSeconds(5), Duration.ofMinutes(1)));
    assertThat(machine.id()).isEqualTo(JobHost.machineHostName()).matches(NodeProperties.HOST_ID);
    assertThat(machine.boot()).isEqualTo(configured.boot());
  }

  @Test
  void shouldNameTheHostByItsKernelThenItsEnvironmentAndOnlyByWhatAHostIdMayHold() {
    assertThat(JobHost.hostId("db-node-1.example", "other")).isEqualTo("db-node-1.example");
    assertThat(JobHost.hostId("", "from-env")).isEqualTo("from-env");
    assertThat(JobHost.hostId("", null)).isEqualTo("localhost");
    assertThat(JobHost.hostId("node a/b", null)).isEqualTo("node-a-b");
    assertThat(JobHost.hostId("-node", null)).isEqualTo("localhost");
  }

  @Test
  void shouldRefuseAHostIdThatCannotBeRecordedOrHeartbeatRulesThatMistakeALateBeatForADeath() {
    assertThatThrownBy(() -> new NodeProperties("host b\nhost=evil", Duration.ofSeconds(5), Duration.ofMinutes(1)))
        .hasMessageContaining("rebound.node.host-id").hasMessageContaining("host b?host=evil");
    assertThatThrownBy(() -> new NodeProperties("-host", Duration.ofSeconds(5), Duration.ofMinutes(1)))
        .hasMessageContaining("rebound.node.host-id");
    assertThatThrownBy(() -> new NodeProperties("h", Duration.ZERO, Duration.ofMinutes(1)))
        .hasMessageContaining("heartbeat-interval");
    assertThatThrownBy(() -> new NodeProperties("h", Duration.ofSeconds(-1), Duration.ofMinutes(1)))
        .hasMessageContaining("heartbeat-interval");
    assertThatThrownBy(() -> new NodeProperties("h", null, Duration.ofMinutes(1)))
        .hasMessageContaining("heartbeat-interval");
    assertThatThrownBy(() -> new NodeProperties("h", Duration.ofSeconds(5), Duration.ofMillis(14_999)))
        .hasMessageContaining("heartbeat-stale-after").hasMessageContaining("PT15S");
    assertThatThrownBy(() -> new NodeProperties("h", Duration.ofSeconds(5), null))
        .hasMessageContaining("heartbeat-stale-after");
    assertThat(new NodeProperties("h", Duration.ofSeconds(5), Duration.ofSeconds(15)).heartbeatStaleAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(new NodeProperties("a".repeat(253), Duration.ofSeconds(5), Duration.ofSeconds(15)).hostId()).hasSize(253);
    assertThatThrownBy(() -> new NodeProperties("a".repeat(254), Duration.ofSeconds(5), Duration.ofSeconds(15)))
        .hasMessageContaining("at most 253");
    assertThat(new NodeProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(15)).hostId()).isNull();
  }
}
