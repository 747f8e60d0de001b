package io.rebound.backup.runbooks;

import io.rebound.backup.postgresql.ArchiveWatch;
import io.rebound.backup.runbooks.BackupSchedules.Schedule;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Ships WAL as it arrives instead of at the shipping timer's next tick: when a node sees a whole segment (or a history
 * file) land in a target's archive directory ({@link ArchiveWatch}) and no shipment of that target is under way, it fires
 * the target's shipping timer now, through the engine's public API ({@link ManagementService#executeJob}), exactly as
 * the timer would fire: the same process, the same requester ({@code schedule:<timer start event>}), the same audit
 * trail, and the timer's next tick one interval later. WAL that arrives while a shipment runs waits for that shipment's
 * end, then leaves with the next one, unless a shipping run started after it arrived (its collection took it). Only a
 * shortcut: the timer alone ships everything, on any node, after any crash.
 *
 * <p>For PostgreSQL targets that take backups with {@code archive-directory} set and {@code ship-on-arrival} left on,
 * watched on every node where that directory is. Nodes that see the same arrival fire the same timer job; the engine
 * lets one of them do it, and the others find the run it started (compared by the nodes' clocks: a node ahead of the
 * others at most leaves an arrival to the next tick).
 */
@Component
class ShipOnArrival implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShipOnArrival.class);
  /** How often an arrival that waits for a shipment under way looks again. */
  static final long RECHECK_MILLIS = 500;

  private final BackupSchedules schedules;
  private final Targets targets;
  private final LogShipments shipments;
  private final ManagementService management;
  /** Per target, the first arrival no shipment has taken yet. */
  private final Map<String, Instant> waiting = new ConcurrentHashMap<>();
  private final Clock clock = Clock.systemUTC();
  private final AtomicBoolean recheckPlanned = new AtomicBoolean();
  private final ScheduledExecutorService firing = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "rebound-ship-on-arrival");
    thread.setDaemon(true);
    return thread;
  });
  private volatile ArchiveWatch watch;

  ShipOnArrival(BackupSchedules schedules, Targets targets, LogShipments shipments, ProcessEngine engine) {
    this.schedules = schedules;
    this.targets = targets;
    this.shipments = shipments;
    this.management = engine.getManagementService();
  }

  /** Starts watching once the schedules' processes, and so their timers, are deployed. */
  @EventListener(ApplicationReadyEvent.class)
  @Order(2)
  void start() {
    Map<String, Path> directories = watched();
    if (directories.isEmpty()) {
      return;
    }
    try {
      watch = new ArchiveWatch(directories, this::arrived).start();
    } catch (IOException e) {
      throw new UncheckedIOException("the archive directories " + directories.values() + " cannot be watched", e);
    }
    if (!watch.watching().isEmpty()) {
      LOG.info("WAL is shipped as it arrives for {}", watch.watching().stream().sorted().toList());
    }
  }

  /** The archive directory of every target whose logs are shipped on a schedule and, by its settings, as they arrive. */
  Map<String, Path> watched() {
    Map<String, Path> directories = new LinkedHashMap<>();
    for (Schedule schedule : schedules.all()) {
      if (schedule.task() != BackupTask.LOGS || targets.get(schedule.target()).dialect() != Dialect.POSTGRESQL) {
        continue;
      }
      TargetProperties.Backup settings = targets.get(schedule.target()).properties().backup();
      if (settings.shipOnArrival() && settings.archiveDirectory() != null) {
        directories.put(schedule.target(), settings.archiveDirectory());
      }
    }
    return directories;
  }

  /** WAL arrived for a target: its shipping timer fires as soon as no shipment of it is under way. */
  void arrived(String target, String file) {
    LOG.debug("{} of {} arrived", file == null ? "WAL (events lost)" : file, target);
    waiting.putIfAbsent(target, clock.instant());
    try {
      firing.execute(this::fireWaiting);
    } catch (RejectedExecutionException stopped) {
      LOG.debug("the node stops: the shipping timer ships what arrived");
    }
  }

  /**
   * Fires the timer of every target whose WAL waits, unless a shipment of it is under way (then it looks again), or a
   * shipping run started after the WAL arrived (another node fired it, or the timer's tick came: that run's collection
   * took it).
   */
  private void fireWaiting() {
    for (Map.Entry<String, Instant> entry : waiting.entrySet()) {
      String target = entry.getKey();
      try {
        if (shipments.anyShipping(target)) {
          continue;
        }
        waiting.remove(target, entry.getValue());
        Optional<Instant> lastRun = shipments.lastScheduledStart(scheduleProcess(target));
        if (lastRun.isPresent() && lastRun.get().isAfter(entry.getValue())) {
          LOG.debug("WAL of {} that arrived at {} was taken by the shipment started at {}", target, entry.getValue(), lastRun.get());
          continue;
        }
        fire(target);
      } catch (RuntimeException e) {
        // The engine's database away for a moment: the timer ships it, or the next arrival tries again.
        waiting.remove(target, entry.getValue());
        LOG.debug("could not ship the WAL of {} as it arrived: {}", target, e.getMessage());
      }
    }
    if (!waiting.isEmpty() && recheckPlanned.compareAndSet(false, true)) {
      try {
        firing.schedule(() -> {
          recheckPlanned.set(false);
          fireWaiting();
        }, RECHECK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopped) {
        recheckPlanned.set(false);
      }
    }
  }

  /** Fires the target's shipping timer now; the engine schedules its next tick from this firing. */
  void fire(String target) {
    for (Job timer : management.createJobQuery().processDefinitionKey(scheduleProcess(target)).timers().active().list()) {
      try {
        management.executeJob(timer.getId());
        LOG.debug("WAL of {} arrived: shipping it now", target);
      } catch (RuntimeException e) {
        // Fired by its due date or by another node that saw the same arrival: that run ships it.
        LOG.debug("the shipping timer of {} fired elsewhere: {}", target, e.getMessage());
      }
      return;
    }
  }

  /** The targets whose WAL waits for a shipment, with the first arrival not taken yet. */
  Map<String, Instant> waiting() {
    return Map.copyOf(waiting);
  }

  private static String scheduleProcess(String target) {
    return new Schedule(BackupSchedules.eventId(target, BackupTask.LOGS), target, BackupTask.LOGS, null).processKey();
  }

  @Override
  public void close() {
    ArchiveWatch current = watch;
    if (current != null) {
      current.close();
    }
    firing.shutdownNow();
  }
}
