package io.rebound.backup.runbooks;

import io.rebound.backup.postgresql.ArchiveWatch;
import io.rebound.backup.runbooks.BackupSchedules.Schedule;
import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camunda.bpm.engine.HistoryService;
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
 * end, then leaves with the next one, unless the catalog holds it by then (a run its arrival did not fire took it).
 * Only a shortcut: the timer alone ships everything, on any node, after any crash. A run is fired no sooner than
 * {@code ship-on-arrival-gap} after the start of the target's last shipping run, so a bulk load that archives a
 * segment every second makes one run per gap, not one per segment.
 *
 * <p>For PostgreSQL targets that take backups with {@code archive-directory} set and {@code ship-on-arrival} left on,
 * watched on every node where that directory is. Nodes that see the same arrival fire the same timer job; the engine
 * lets one of them do it, and the others find the files in the catalog once that run has shipped them.
 */
@Component
class ShipOnArrival implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShipOnArrival.class);
  /** How often an arrival that waits for a shipment under way looks again. */
  static final long RECHECK_MILLIS = 500;
  private static final String UNKNOWN = "*";

  private final BackupSchedules schedules;
  private final Targets targets;
  private final LogShipments shipments;
  private final BucketAccess bucket;
  private final ManagementService management;
  private final HistoryService history;
  /** Per target, the files that arrived and no shipment has taken yet ({@value #UNKNOWN}: events were lost). */
  private final Map<String, Set<String>> waiting = new ConcurrentHashMap<>();
  private final AtomicBoolean recheckPlanned = new AtomicBoolean();
  private final ScheduledExecutorService firing = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "rebound-ship-on-arrival");
    thread.setDaemon(true);
    return thread;
  });
  private volatile ArchiveWatch watch;

  ShipOnArrival(BackupSchedules schedules, Targets targets, LogShipments shipments, BucketAccess bucket, ProcessEngine engine) {
    this.schedules = schedules;
    this.targets = targets;
    this.shipments = shipments;
    this.bucket = bucket;
    this.management = engine.getManagementService();
    this.history = engine.getHistoryService();
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
    } catch (IOException | RuntimeException e) {
      // A shortcut only: the node starts, and the timer ships.
      LOG.warn("The archive directories {} cannot be watched ({}): their WAL is shipped by the timer alone", directories.values(),
          e.toString());
      return;
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
    waiting.computeIfAbsent(target, name -> ConcurrentHashMap.newKeySet()).add(file == null ? UNKNOWN : file);
    try {
      firing.execute(this::fireWaiting);
    } catch (RejectedExecutionException stopped) {
      LOG.debug("the node stops: the shipping timer ships what arrived");
    }
  }

  /**
   * Fires the timer of every target whose WAL waits, unless a shipment of it is under way or its last shipping run
   * started less than the gap ago (then it looks again), or the catalog holds every file that arrived (another node
   * fired the timer, or its tick came, and that run took them).
   */
  private void fireWaiting() {
    for (String target : waiting.keySet()) {
      Set<String> files = waiting.remove(target);
      if (files == null) {
        continue;
      }
      try {
        if (shipments.anyShipping(target) || tooSoon(target)) {
          waitAgain(target, files);
          continue;
        }
        if (!files.contains(UNKNOWN) && shipped(target).containsAll(files)) {
          LOG.debug("WAL of {} that arrived ({}) was shipped by another run", target, files);
          continue;
        }
        fire(target);
      } catch (RuntimeException e) {
        // The engine's database away for a moment: what arrived waits and is looked at again (the timer ships it too).
        waitAgain(target, files);
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

  /**
   * Whether the target's last shipping run (fired by an arrival, by its timer or from Cockpit, on any node) started
   * less than {@code ship-on-arrival-gap} ago: then what arrived waits, and leaves with the run after the gap or with the
   * timer's.
   */
  boolean tooSoon(String target) {
    Duration gap = targets.get(target).properties().backup().shipOnArrivalGap();
    if (gap.isZero()) {
      return false;
    }
    return history.createHistoricProcessInstanceQuery().processDefinitionKey(scheduleProcess(target))
        .orderByProcessInstanceStartTime().desc().listPage(0, 1).stream().findFirst()
        .map(last -> Instant.now().isBefore(last.getStartTime().toInstant().plus(gap))).orElse(false);
  }

  /** Puts files taken from {@link #waiting} back, with any that arrived for the target meanwhile. */
  private void waitAgain(String target, Set<String> files) {
    waiting.merge(target, files, (later, earlier) -> {
      later.addAll(earlier);
      return later;
    });
  }

  /** Fires the target's shipping timer now; the engine schedules its next tick from this firing. */
  void fire(String target) {
    // The start event's timer, the one job of the process without a run; its runs' poll timers are timers too.
    for (Job timer : management.createJobQuery().processDefinitionKey(scheduleProcess(target)).timers().active().list().stream()
        .filter(job -> job.getProcessInstanceId() == null).toList()) {
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

  /** The targets whose WAL waits for a shipment, with the files that arrived. */
  Map<String, Set<String>> waiting() {
    return Map.copyOf(waiting);
  }

  /** Waits until what the watch handed over so far has been dealt with (fired, dropped or waiting again). */
  void settle() throws Exception {
    firing.submit(() -> { }).get(30, TimeUnit.SECONDS);
  }

  private Set<String> shipped(String target) {
    Set<String> names = new HashSet<>();
    bucket.catalog().snapshot(target, targets.get(target).dialect()).logs().forEach(batch -> batch.pieces()
        .forEach(piece -> names.add(piece.name())));
    return names;
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
