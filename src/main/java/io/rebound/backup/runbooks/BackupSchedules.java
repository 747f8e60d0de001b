package io.rebound.backup.runbooks;

import io.rebound.target.Targets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.camunda.bpm.engine.impl.calendar.CronTimer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The schedules of the database-backup runbook, from {@code rebound.targets.<name>.backup.*}: a FULL and an
 * INCREMENTAL backup by their cron expressions, log shipping every {@code archive-shipping-interval}, and retention
 * once a day ({@code rebound.backup.retention-schedule}) for every target with a backup section. Each becomes a
 * timer start event of its own in the deployed model, so Cockpit shows it as a timer job. Checked when read: a wrong
 * cron expression or interval stops the start with the setting named.
 */
@Component
class BackupSchedules {

  /** One timer start event: its id in the model, what it starts and its Camunda time cycle. */
  record Schedule(String eventId, String target, BackupTask task, String timeCycle) {

    String name() {
      return switch (task) {
        case FULL -> "FULL backup of " + target;
        case INCREMENTAL -> "INCREMENTAL backup of " + target;
        case LOGS -> "Ship logs of " + target;
        case PRUNE -> "Retention of " + target;
      };
    }
  }

  /**
   * A target's {@code backup} section, as far as the runbooks read it; the physical layer reads the rest.
   *
   * @param fullSchedule Quartz-style cron of the FULL backups
   * @param incrementalSchedule Quartz-style cron of the INCREMENTAL backups
   * @param archiveShippingInterval how often archived logs are shipped between backups
   * @param recoveryWindow how far back every point stays restorable (retention), P14D unless set
   */
  record Settings(String fullSchedule, String incrementalSchedule, Duration archiveShippingInterval, Duration recoveryWindow) {

    static final Duration DEFAULT_WINDOW = Duration.ofDays(14);

    Duration window() {
      return recoveryWindow == null ? DEFAULT_WINDOW : recoveryWindow;
    }
  }

  static final String DEFAULT_RETENTION_SCHEDULE = "0 30 3 * * ?";

  private final Environment environment;
  private final Targets targets;

  BackupSchedules(Environment environment, Targets targets) {
    this.environment = environment;
    this.targets = targets;
  }

  /** A target's backup settings; empty when it has no backup section. */
  Optional<Settings> settings(String target) {
    return Binder.get(environment).bind("rebound.targets." + target + ".backup", Bindable.of(Settings.class)).map(Optional::of).orElse(Optional.empty());
  }

  /** The recovery window of a target's retention. */
  Duration recoveryWindow(String target) {
    return settings(target).map(Settings::window).orElse(Settings.DEFAULT_WINDOW);
  }

  /** Every schedule of every configured target, in a stable order. */
  List<Schedule> all() {
    String retention = environment.getProperty("rebound.backup.retention-schedule", DEFAULT_RETENTION_SCHEDULE);
    List<Schedule> schedules = new ArrayList<>();
    for (String target : targets.names().stream().sorted().toList()) {
      Optional<Settings> found = settings(target);
      if (found.isEmpty()) {
        continue;
      }
      Settings settings = found.get();
      String prefix = "rebound.targets." + target + ".backup.";
      if (settings.fullSchedule() != null) {
        schedules.add(schedule(target, BackupTask.FULL, cron(settings.fullSchedule(), prefix + "full-schedule")));
      }
      if (settings.incrementalSchedule() != null) {
        schedules.add(schedule(target, BackupTask.INCREMENTAL, cron(settings.incrementalSchedule(), prefix + "incremental-schedule")));
      }
      if (settings.archiveShippingInterval() != null) {
        schedules.add(schedule(target, BackupTask.LOGS, interval(settings.archiveShippingInterval(), prefix + "archive-shipping-interval")));
      }
      if (settings.recoveryWindow() != null && settings.recoveryWindow().isNegative()) {
        throw new IllegalArgumentException(prefix + "recovery-window must not be negative, was " + settings.recoveryWindow());
      }
      schedules.add(schedule(target, BackupTask.PRUNE, cron(retention, "rebound.backup.retention-schedule")));
    }
    return schedules;
  }

  /** The schedule a timer start event of the deployed model stands for. */
  Optional<Schedule> byEvent(String eventId) {
    return all().stream().filter(schedule -> schedule.eventId().equals(eventId)).findFirst();
  }

  static String eventId(String target, BackupTask task) {
    return DatabaseBackupProcess.Elements.SCHEDULE_PREFIX + task.name() + "_" + target;
  }

  private static Schedule schedule(String target, BackupTask task, String cycle) {
    return new Schedule(eventId(target, task), target, task, cycle);
  }

  static String cron(String expression, String setting) {
    String trimmed = expression.strip();
    try {
      CronTimer.parse(trimmed);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException(setting + " '" + expression + "' is not a Quartz-style cron expression (seconds minutes hours"
          + " day-of-month month day-of-week, e.g. \"0 0 1 ? * SUN\"): " + e.getMessage());
    }
    return trimmed;
  }

  static String interval(Duration interval, String setting) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(setting + " must be a positive duration such as PT5M, was " + interval);
    }
    return "R/" + interval;
  }
}
