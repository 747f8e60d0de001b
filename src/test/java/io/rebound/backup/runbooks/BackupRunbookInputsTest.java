package io.rebound.backup.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InvalidInputException;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The inputs of both backup runbooks, as every way in gives them: what is taken, what is refused and why. */
class BackupRunbookInputsTest {

  private final Targets targets = targets();
  private final BucketAccess bucket = bucket(true);
  private final BackupInputs backup = new BackupInputs(targets, bucket);
  private final DatabaseRestoreInputs restore = new DatabaseRestoreInputs(targets, bucket);

  @Test
  void shouldTakeATargetAndWhatToDoInAnyCase() {
    assertThat(backup.parse(Map.of("target", "pg", "type", "full"))).isEqualTo(new BackupRunRequest("pg", BackupTask.FULL));
    assertThat(backup.parse(Map.of("target", " pg ", "type", "INCREMENTAL"))).isEqualTo(new BackupRunRequest("pg", BackupTask.INCREMENTAL));
    assertThat(backup.parse(Map.of("target", "pg", "type", "Logs")).type()).isEqualTo(BackupTask.LOGS);
    assertThat(backup.parse(Map.of("target", "pg", "type", "PRUNE")).type()).isEqualTo(BackupTask.PRUNE);
    assertThat(backup.display(new BackupRunRequest("pg", BackupTask.FULL))).containsExactly(Map.entry("target", "pg"), Map.entry("type", "FULL"));
    assertThat(backup.type()).isEqualTo(BackupRunRequest.class);
  }

  @Test
  void shouldRefuseABackupRequestWithItsReason() {
    assertRefused(() -> backup.parse(Map.of("type", "FULL")), "target is required; configured targets: [ora, pg, pg2]");
    assertRefused(() -> backup.parse(Map.of("target", "other", "type", "FULL")), "unknown target 'other'; configured targets");
    assertRefused(() -> backup.parse(Map.of("target", "pg")), "type is required: one of [FULL, INCREMENTAL, LOGS, PRUNE]");
    assertRefused(() -> backup.parse(Map.of("target", "pg", "type", "  ")), "type is required");
    assertRefused(() -> backup.parse(Map.of("target", "pg", "type", "WEEKLY")), "type 'WEEKLY' is not one of [FULL, INCREMENTAL, LOGS, PRUNE]");
    assertRefused(() -> backup.parse(Map.of("target", "pg", "type", "FULL", "parent", "x")), "unknown input 'parent'; accepted: target, type");
    assertRefused(() -> backup.parse(Map.of("target", List.of("pg"), "type", "FULL")), "target must be text");
    assertRefused(() -> new BackupInputs(targets, bucket(false)).parse(Map.of("target", "pg", "type", "FULL")),
        "no bucket is configured for backups: set rebound.storage.s3.bucket");
  }

  @Test
  void shouldTakeARestoreToLatestOntoTheSameTargetUnlessToldOtherwise() {
    assertThat(restore.parse(Map.of("target", "pg"))).isEqualTo(new DatabaseRestoreRequest("pg", "latest", "pg"));
    assertThat(restore.parse(Map.of("target", "pg", "pointInTime", "LATEST", "destination", ""))).isEqualTo(
        new DatabaseRestoreRequest("pg", "latest", "pg"));
    assertThat(restore.parse(Map.of("target", "pg", "pointInTime", " 2026-11-30T14:05:00Z ", "destination", "pg2"))).isEqualTo(
        new DatabaseRestoreRequest("pg", "2026-11-30T14:05:00Z", "pg2"));
    assertThat(restore.display(new DatabaseRestoreRequest("pg", "latest", "pg2"))).containsExactly(Map.entry("target", "pg"),
        Map.entry("pointInTime", "latest"), Map.entry("destination", "pg2"));
    assertThat(restore.type()).isEqualTo(DatabaseRestoreRequest.class);
  }

  @Test
  void shouldRefuseARestoreRequestWithItsReason() {
    assertRefused(() -> restore.parse(Map.of()), "target is required");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "pointInTime", "yesterday")),
        "pointInTime 'yesterday' is neither 'latest' nor an ISO-8601 instant such as 2026-11-30T14:05:00Z");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "pointInTime", "2026-11-30T14:05:00Z".repeat(3))),
        "is neither 'latest' nor an ISO-8601 instant");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "pointInTime", "x".repeat(40))), "such as 2026-11-30T14:05:00Z");
    assertThatThrownBy(() -> restore.parse(Map.of("target", "pg", "pointInTime", "x".repeat(41))))
        .as("a long text is refused before it is parsed").hasMessageNotContaining("such as");
    assertThat(restore.parse(Map.of("target", "pg", "pointInTime", "2026-11-30T14:05:00.123456789Z")).pointInTime())
        .as("the longest instant fits").isEqualTo("2026-11-30T14:05:00.123456789Z");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "destination", "nowhere")), "unknown destination 'nowhere'");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "destination", "ora")),
        "destination ora is ORACLE, the backups of pg are POSTGRESQL");
    assertRefused(() -> restore.parse(Map.of("target", "pg", "scn", "1")), "unknown input 'scn'; accepted: destination, pointInTime, target");
    assertRefused(() -> new DatabaseRestoreInputs(targets, bucket(false)).parse(Map.of("target", "pg")), "no bucket is configured");
  }

  @Test
  void shouldReadTheScheduleOfEveryTargetThatBacksUpAndRefuseAWrongOne() {
    assertThat(BackupSchedules.cron(" 0 0 1 ? * SUN ", "x")).isEqualTo("0 0 1 ? * SUN");
    assertRefused(() -> BackupSchedules.cron("every sunday", "rebound.targets.pg.backup.full-schedule"),
        "rebound.targets.pg.backup.full-schedule 'every sunday' is not a Quartz-style cron expression", IllegalArgumentException.class);
    assertThat(BackupSchedules.interval(Duration.ofMinutes(5), "x")).isEqualTo("R/PT5M");
    assertRefused(() -> BackupSchedules.interval(Duration.ZERO, "shipping"), "shipping must be a positive duration such as PT5M",
        IllegalArgumentException.class);
    assertRefused(() -> BackupSchedules.interval(Duration.ofMinutes(-1), "shipping"), "must be a positive duration",
        IllegalArgumentException.class);
    assertThat(BackupSchedules.eventId("pg", BackupTask.LOGS)).isEqualTo("StartEvent_Schedule_LOGS_pg");
    BackupSchedules.Schedule schedule = new BackupSchedules.Schedule("e", "pg", BackupTask.INCREMENTAL, "c");
    assertThat(schedule.processKey()).isEqualTo("database-backup.incremental.pg");
    assertThat(schedule.name()).isEqualTo("INCREMENTAL backup of pg");
    assertThat(new BackupSchedules.Schedule("e", "pg", BackupTask.FULL, "c").name()).isEqualTo("FULL backup of pg");
    assertThat(new BackupSchedules.Schedule("e", "pg", BackupTask.LOGS, "c").name()).isEqualTo("Ship logs of pg");
    assertThat(new BackupSchedules.Schedule("e", "pg", BackupTask.PRUNE, "c").name()).isEqualTo("Retention of pg");
  }

  @Test
  void shouldScheduleOnlyTargetsWithABackupSectionWhenABucketIsConfigured() {
    org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment()
        .withProperty("rebound.targets.pg.backup.archive-shipping-interval", "PT10M")
        .withProperty("rebound.backup.retention-schedule", "0 15 4 * * ?");
    Targets withBackups = targets();
    withBackups.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/db", "postgres", null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, new TargetProperties.Backup("0 0 2 ? * SAT", null,
            Duration.ofMinutes(10), Duration.ofDays(3), null, null, null, null, null, null, null, null)));
    BackupSchedules schedules = new BackupSchedules(environment, withBackups, bucket(true));

    assertThat(schedules.all()).containsExactly(
        new BackupSchedules.Schedule("StartEvent_Schedule_FULL_pg", "pg", BackupTask.FULL, "0 0 2 ? * SAT"),
        new BackupSchedules.Schedule("StartEvent_Schedule_INCREMENTAL_pg", "pg", BackupTask.INCREMENTAL, "0 0 1 ? * MON-SAT"),
        new BackupSchedules.Schedule("StartEvent_Schedule_LOGS_pg", "pg", BackupTask.LOGS, "R/PT10M"),
        new BackupSchedules.Schedule("StartEvent_Schedule_PRUNE_pg", "pg", BackupTask.PRUNE, "0 15 4 * * ?"));
    assertThat(schedules.all()).isSameAs(schedules.all());
    assertThat(schedules.byEvent("StartEvent_Schedule_LOGS_pg")).map(BackupSchedules.Schedule::task).contains(BackupTask.LOGS);
    assertThat(schedules.byEvent("StartEvent_Schedule_LOGS_pg2")).isEmpty();
    assertThat(schedules.recoveryWindow("pg")).isEqualTo(Duration.ofDays(3));
    assertThat(schedules.recoveryWindow("pg2")).isEqualTo(Duration.ofDays(14));
    assertThat(schedules.backsUp("pg2")).isFalse();
    assertThat(schedules.backsUp("nowhere")).isFalse();
    assertThat(new BackupSchedules(environment, withBackups, bucket(false)).all()).as("no bucket, no schedule").isEmpty();

    withBackups.register("pg3", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/db3", "postgres", null, null, null, null,
        null, null, null, null));
    environment.setProperty("rebound.targets.pg3.backup.recovery-window", "P7D");
    assertThat(schedules.all()).as("a target registered later is read").extracting(BackupSchedules.Schedule::eventId)
        .contains("StartEvent_Schedule_FULL_pg3", "StartEvent_Schedule_PRUNE_pg3").hasSize(8);
  }

  @Test
  void shouldKeepTheProcessOfAScheduleNoLongerConfiguredARunOfTheRunbook() {
    org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment()
        .withProperty("rebound.targets.pg.backup.recovery-window", "P7D");
    BackupSchedules schedules = new BackupSchedules(environment, targets(), bucket(true));
    DatabaseBackupRunbook runbook = new DatabaseBackupRunbook(targets(), bucket(true), schedules);

    assertThat(runbook.owns("database-backup.full.pg")).as("configured").isTrue();
    assertThat(runbook.owns("database-backup")).isTrue();
    // Removed from the configuration while a run it started is under way: the engine parses the model again after a restart.
    assertThat(runbook.owns("database-backup.incremental.gone")).isTrue();
    assertThat(runbook.owns("database-backup.logs.Gone_2-b")).isTrue();
    assertThat(runbook.owns("database-backup.prune.gone")).isTrue();
    assertThat(runbook.processKeys()).as("listed only once retired").doesNotContain("database-backup.incremental.gone");
    for (String other : new String[] {"database-backup.daily.gone", "database-backup.full.", "database-backup.full.1db", "database-backup.full.a.b",
        "database-backupXfull.gone", "database-backup.fullXgone", "x.database-backup.full.gone", "database-backup.FULL.gone", "schema-restore", ""}) {
      assertThat(runbook.owns(other)).as(other).isFalse();
    }
    assertThat(runbook.owns(null)).isFalse();

    schedules.retire("database-backup.incremental.gone");
    schedules.retire("database-backup.full.gone");
    schedules.retire("database-backup.full.gone");
    schedules.retire("not-a-schedule");
    assertThat(schedules.retired()).containsExactly("database-backup.full.gone", "database-backup.incremental.gone");
    assertThat(runbook.processKeys()).containsExactly("database-backup", "database-backup.full.pg", "database-backup.incremental.pg",
        "database-backup.logs.pg", "database-backup.prune.pg", "database-backup.full.gone", "database-backup.incremental.gone");
    schedules.retire("database-backup.full.pg");
    assertThat(runbook.processKeys()).as("a key listed once").containsOnlyOnce("database-backup.full.pg");
  }

  static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
    assertRefused(call, reason, InvalidInputException.class);
  }

  static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason, Class<? extends Throwable> type) {
    assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(reason);
  }

  static Targets targets() {
    Targets targets = new Targets(new ReboundProperties(new HashMap<>(), Map.of(), Path.of("work"),
        new ReboundProperties.Steps("R3/PT30S", Duration.ofHours(24), Duration.ofSeconds(5))));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//h:1521/XEPDB1", "system", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    targets.register("pg", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h/db", "postgres", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    targets.register("pg2", new TargetProperties(Dialect.POSTGRESQL, "jdbc:postgresql://h2/db", "postgres", null, null,
        Path.of("/dumps"), null, null, null, null, null));
    return targets;
  }

  static BucketAccess bucket(boolean configured) {
    StaticListableBeanFactory beans = new StaticListableBeanFactory();
    if (configured) {
      beans.addBean("objectStore", mock(ObjectStore.class));
    }
    return new BucketAccess(beans.getBeanProvider(ObjectStore.class), null);
  }
}
