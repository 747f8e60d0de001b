package io.rebound.backup.runbooks;

import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.impl.calendar.CronTimer;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The schedules of the database-backup runbook, for every target with a {@code rebound.targets.<name>.backup} section
 * when a bucket is configured: a FULL and an INCREMENTAL backup by their cron expressions ({@code full-schedule},
 * {@code incremental-schedule}), log shipping every {@code archive-shipping-interval}, and retention once a day
 * ({@code rebound.backup.retention-schedule}, default 03:30). Each becomes a
 * timer start event of its own in the deployed model, so Cockpit shows it as a timer job. Checked when read: a wrong
 * cron expression or interval stops the start with the setting named.
 */
@Component
class BackupSchedules {

  /** One schedule: its timer start event's id, what it starts and its Camunda time cycle. */
  record Schedule(String eventId, String target, BackupTask task, String timeCycle) {

    /** The process that runs the schedule: the database-backup model with this timer as its start event. */
    String processKey() {
      return DatabaseBackupProcess.KEY + "." + task.name().toLowerCase(java.util.Locale.ROOT) + "." + target;
    }

    String name() {
      return switch (task) {
        case FULL -> "FULL backup of " + target;
        case INCREMENTAL -> "INCREMENTAL backup of " + target;
        case LOGS -> "Ship logs of " + target;
        case PRUNE -> "Retention of " + target;
      };
    }
  }

  static final String DEFAULT_RETENTION_SCHEDULE = "0 30 3 * * ?";

  /** The key of a schedule's process: {@code database-backup.<task>.<target>}, a target's name as the configuration allows it. */
  private static final Pattern SCHEDULE_PROCESS_KEY = Pattern.compile(Pattern.quote(DatabaseBackupProcess.KEY) + "\\.(full|incremental|logs|prune)"
      + "\\.[A-Za-z][A-Za-z0-9_-]{0,62}");

  private final Set<String> retired = ConcurrentHashMap.newKeySet();

  private final Environment environment;
  private final Targets targets;
  private final BucketAccess bucket;
  private volatile Cached cached;

  BackupSchedules(Environment environment, Targets targets, BucketAccess bucket) {
    this.environment = environment;
    this.targets = targets;
    this.bucket = bucket;
  }

  /**
   * Whether a target takes backups: it has a {@code backup} section of its own and a bucket is configured. A target
   * without one gets no schedule (the settings' defaults would otherwise schedule every database Rebound knows).
   */
  boolean backsUp(String target) {
    return bucket.configured() && targets.find(target).isPresent()
        && hasBackupSection(Binder.get(environment), target);
  }

  /**
   * Whether the configuration gives the target a {@code backup} section. Read through the targets as a map, as they are
   * bound: a target's name may hold what a property name may not (such as '_').
   */
  static boolean hasBackupSection(Binder binder, String target) {
    Map<String, Map<String, Object>> targets = binder.bind("rebound.targets", Bindable.<Map<String, Map<String, Object>>>of(
        ResolvableType.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
            ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)))).orElse(Map.of());
    return targets.getOrDefault(target, Map.of()).containsKey("backup");
  }

  /** Whether a process key is one a schedule's process has, configured now or not. */
  static boolean isScheduleProcessKey(String processKey) {
    return SCHEDULE_PROCESS_KEY.matcher(processKey).matches();
  }

  /** Records the process of a schedule no longer configured: still deployed (suspended), its runs may still be under way. */
  void retire(String processKey) {
    if (isScheduleProcessKey(processKey)) {
      retired.add(processKey);
    }
  }

  /** The processes of schedules no longer configured, in a stable order. */
  List<String> retired() {
    return retired.stream().sorted().toList();
  }

  /** The recovery window of a target's retention. */
  Duration recoveryWindow(String target) {
    return targets.get(target).properties().backup().recoveryWindow();
  }

  /** Every schedule of every target that takes backups, in a stable order; read once per set of targets. */
  List<Schedule> all() {
    List<String> names = targets.names();
    Cached cached = this.cached;
    if (cached != null && cached.targets().equals(names)) {
      return cached.schedules();
    }
    List<Schedule> schedules = read();
    this.cached = new Cached(names, schedules);
    return schedules;
  }

  private record Cached(List<String> targets, List<Schedule> schedules) {}

  private List<Schedule> read() {
    String retention = environment.getProperty("rebound.backup.retention-schedule", DEFAULT_RETENTION_SCHEDULE);
    List<Schedule> schedules = new ArrayList<>();
    for (String target : targets.names().stream().sorted().toList()) {
      if (!backsUp(target)) {
        continue;
      }
      TargetProperties.Backup settings = targets.get(target).properties().backup();
      String prefix = "rebound.targets." + target + ".backup.";
      schedules.add(schedule(target, BackupTask.FULL, cron(settings.fullSchedule(), prefix + "full-schedule")));
      schedules.add(schedule(target, BackupTask.INCREMENTAL, cron(settings.incrementalSchedule(), prefix + "incremental-schedule")));
      schedules.add(schedule(target, BackupTask.LOGS, interval(settings.archiveShippingInterval(), prefix + "archive-shipping-interval")));
      schedules.add(schedule(target, BackupTask.PRUNE, cron(retention, "rebound.backup.retention-schedule")));
    }
    return List.copyOf(schedules);
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
