package io.rebound.recovery.oracle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rebound.backup.BackupLayout;
import io.rebound.backup.PhysicalJob;
import io.rebound.backup.RecoveryPlan;
import io.rebound.backup.RestoredPoint;
import io.rebound.backup.oracle.OraclePhysicalBackups;
import io.rebound.backup.oracle.RmanInvocation;
import io.rebound.backup.oracle.RmanJobs;
import io.rebound.backup.oracle.RmanLog;
import io.rebound.config.ReboundProperties;
import io.rebound.recovery.MediaRecovery;
import io.rebound.recovery.StrategyDecision;
import io.rebound.recovery.Triage;
import io.rebound.recovery.oracle.MediaRecoveryScripts.Script;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import io.rebound.runbook.StepLog;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@link MediaRecovery} for Oracle: triage over JDBC ({@link RecoveryDictionary}: the instance mounted and opened when it
 * can be, the failed open's ORA- errors and the control file's views read), the decision's RMAN command file
 * ({@link RecoveryCommands}), and the recovery as detached work in {@code <backup work directory>/<job key>}: the plan's
 * pieces downloaded and checked as the physical restore downloads them, RMAN run detached the way the physical layer runs
 * it (a node that dies leaves RMAN running, and the next call attaches to it), then {@link RecoveryVerification}.
 */
@Component
public class OracleMediaRecovery implements MediaRecovery {

  static final String DOWNLOAD = "download";
  static final String RMAN = "rman";
  static final String DOWNLOADED = "downloaded";
  /** How long triage waits for RMAN to start an instance: a start, not a recovery; well within a job's lock. */
  static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);
  /** How long the logs of triage's instance starts are kept for a look, before the next start clears them. */
  static final Duration STARTUP_LOGS_KEPT = Duration.ofDays(7);
  private static final Pattern STARTUP = Pattern.compile("startup-(\\d{1,18})");
  private static final String JOB_KEY_SHOWN = "job-key-of-the-run";
  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final Path nodeWorkDirectory;
  private final DetachedJobs jobs;
  private final Supplier<ObjectStore> store;
  private final RecoveryDictionary dictionary;
  private final RmanJobs rman;

  @Autowired
  OracleMediaRecovery(ReboundProperties properties, DetachedJobs jobs, ObjectProvider<ObjectStore> store, RecoveryDictionary dictionary) {
    this(properties.workDirectory(), jobs, store::getIfAvailable, dictionary, Duration.ofSeconds(2));
  }

  OracleMediaRecovery(Path nodeWorkDirectory, DetachedJobs jobs, Supplier<ObjectStore> store, RecoveryDictionary dictionary,
      Duration pollInterval) {
    this.nodeWorkDirectory = nodeWorkDirectory;
    this.jobs = jobs;
    this.store = store;
    this.dictionary = dictionary;
    this.rman = new RmanJobs(jobs.host(), pollInterval);
  }

  @Override
  public Dialect dialect() {
    return Dialect.ORACLE;
  }

  @Override
  public void checkSettings(Target target) {
    if (target.dialect() != Dialect.ORACLE) {
      throw new IllegalArgumentException("target " + target.name() + " is not an Oracle target");
    }
    String setting = "rebound.targets." + target.name() + ".backup.";
    TargetProperties.Backup settings = target.properties().backup();
    Path work = workDirectory(target);
    try {
      MediaRecoveryScripts.fileName(work.toString(), "work directory");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + "work-directory " + work + " must be an absolute path of letters, digits, '/', '.',"
          + " '_' and '-': RMAN reads the downloaded pieces there by a name in quotes");
    }
    if (Files.exists(work) && !(Files.isDirectory(work) && Files.isWritable(work))) {
      throw new IllegalArgumentException(setting + "work-directory " + work + " is not a directory Rebound can write: the pieces are"
          + " downloaded there and RMAN's job kept there");
    }
    try {
      RmanInvocation.of(settings.rmanCommand(), settings.environment(), work.resolve(RMAN), "");
    } catch (IllegalArgumentException e) {
      String which = e.getMessage() != null && e.getMessage().startsWith("environment") ? "environment" : "rman-command";
      throw new IllegalArgumentException(setting + which + ": " + e.getMessage());
    }
    OraclePhysicalBackups.configuredZone(target);
  }

  // ---------------------------------------------------------------- triage

  @Override
  public Triage triage(Target target, StepLog log) {
    checkSettings(target);
    try {
      DatabasePicture picture = dictionary.read(target, log);
      boolean started = false;
      if (!picture.reachable()) {
        Optional<String> refused = startMounted(target, log);
        if (refused.isPresent()) {
          picture = picture.saying(List.of(refused.get()));
        } else {
          started = true;
          picture = dictionary.read(target, log);
        }
      }
      return TriageMapping.triage(picture, started, OracleMediaRecovery::directoryUsable);
    } catch (SQLException e) {
      throw new IllegalStateException("triage of " + target.name() + " failed: " + e.getMessage(), e);
    }
  }

  /** Starts the instance with RMAN ({@code STARTUP MOUNT}); what RMAN said when it could not. */
  private Optional<String> startMounted(Target target, StepLog log) {
    Path recovery = workDirectory(target).resolve("recovery");
    Instant now = Instant.now();
    pruneStartups(recovery, now);
    Path directory = recovery.resolve("startup-" + now.toEpochMilli());
    try {
      RmanLog started = rman.runWithin(target, directory, "STARTUP MOUNT;\n", STARTUP_LIMIT);
      log.ran("RMAN: STARTUP MOUNT", "started" + (started.warnings().isEmpty() ? "" : "; " + String.join("; ", started.warnings())));
      return Optional.empty();
    } catch (IllegalStateException e) {
      log.ran("RMAN: STARTUP MOUNT", "failed: " + e.getMessage());
      return Optional.of("STARTUP MOUNT failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while RMAN started " + target.name(), e);
    }
  }

  /**
   * Removes the directories of instance starts older than {@link #STARTUP_LOGS_KEPT} (each holds one RMAN log, of a start
   * long ended: a start is given {@link #STARTUP_LIMIT}), so that triage after triage does not fill the work directory.
   * Returns how many went; one that cannot be removed is left for the next time.
   */
  static int pruneStartups(Path recovery, Instant now) {
    if (!Files.isDirectory(recovery)) {
      return 0;
    }
    int removed = 0;
    try (Stream<Path> entries = Files.list(recovery)) {
      for (Path entry : entries.toList()) {
        Matcher name = STARTUP.matcher(entry.getFileName().toString());
        if (name.matches() && Files.isDirectory(entry)
            && Instant.ofEpochMilli(Long.parseLong(name.group(1))).isBefore(now.minus(STARTUP_LOGS_KEPT))) {
          removed += removeTree(entry) ? 1 : 0;
        }
      }
    } catch (IOException e) {
      return removed;
    }
    return removed;
  }

  private static boolean removeTree(Path directory) {
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether a datafile's directory is there to take it back, as this host sees it: Rebound runs on the database host (RMAN
   * connects with operating system authentication there) or sees its directories at the same paths. An ASM name is
   * placed by ASM.
   */
  static boolean directoryUsable(String name) {
    if (name.startsWith("+")) {
      return true;
    }
    Path parent = Path.of(name).getParent();
    return parent != null && Files.isDirectory(parent);
  }

  // ---------------------------------------------------------------- plan and recovery

  @Override
  public List<String> actions(Target target, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
    if (!decision.mediaRecoveryNeeded()) {
      return List.of();
    }
    checkSettings(target);
    // The job key is the run's; the plan shows where it goes, the same for every run of the same plan.
    Path job = jobDirectory(target, JOB_KEY_SHOWN);
    Script script = RecoveryCommands.script(triage, decision, restore, places(target, job));
    TargetProperties.Backup settings = target.properties().backup();
    List<String> actions = new ArrayList<>();
    actions.add("download " + restore.pieces().size() + " pieces (" + restore.totalBytes() + " bytes) into " + job.resolve(DOWNLOAD)
        + "/<backup or log batch id>/, each checked against its SHA-256 in the manifest");
    actions.add(String.join(" ", RmanInvocation.of(settings.rmanCommand(), settings.environment(), job.resolve(RMAN), script.rman())
        .command()));
    script.rman().lines().forEach(line -> actions.add("RMAN> " + line));
    actions.add("check over JDBC: open READ WRITE, nothing left in V$RECOVER_FILE, every datafile ONLINE");
    return actions.stream().map(action -> action.replace(JOB_KEY_SHOWN, "<job key>")).toList();
  }

  @Override
  public PhysicalJob<RestoredPoint> recover(Target target, String jobKey, Triage triage, StrategyDecision decision, RecoveryPlan restore) {
    checkSettings(target);
    Path job = jobDirectory(target, jobKey);
    // Built before anything starts, from the approved triage alone: a refusal runs nothing, and a job taken again runs
    // the same file.
    Script script = RecoveryCommands.script(triage, decision, restore, places(target, job));
    JobStatus status = job(job).startOrAttach(new JobRunner.InJvm(beat -> {
      Path downloads = job.resolve(DOWNLOAD);
      if (!Files.exists(job.resolve(DOWNLOADED))) {
        OraclePhysicalBackups.download(restore, downloads, objectStore(), beat);
        Files.writeString(job.resolve(DOWNLOADED), Instant.now().toString());
      }
      RmanLog log = rman.run(target, job.resolve(RMAN), script.rman(), beat, decision.strategy() + " of " + target.name());
      RecoveryVerification.Result verified = dictionary.verify(target);
      if (!verified.problems().isEmpty()) {
        throw new IllegalStateException("RMAN finished but " + String.join("; ", verified.problems()));
      }
      beat.progress("open READ WRITE, nothing in V$RECOVER_FILE, every datafile ONLINE");
      String warnings = log.warnings().isEmpty() ? "" : "; RMAN warned: " + String.join("; ", log.warnings());
      String summary = decision.strategy() + " by RMAN from " + restore.backups().size() + " backups and " + restore.logs().size()
          + " log batches: open READ WRITE, nothing in V$RECOVER_FILE, every datafile ONLINE"
          + (decision.complete() ? "" : ", opened with RESETLOGS in a new incarnation") + warnings;
      String scn = dictionary.checkpointScn(target);
      return JSON.writeValueAsString(new RestoredPoint(decision.complete() ? restore.timeline() : 0, scn == null ? "unknown" : scn, null,
          summary + ", checkpoint SCN " + scn));
    }));
    return PhysicalJob.of(status, OracleMediaRecovery::reached);
  }

  @Override
  public PhysicalJob<RestoredPoint> look(Target target, String jobKey) {
    return PhysicalJob.of(job(jobDirectory(target, jobKey)).look(), OracleMediaRecovery::reached);
  }

  private static RestoredPoint reached(String text) throws IOException {
    return JSON.readValue(text, RestoredPoint.class);
  }

  @Override
  public void discard(Target target, String jobKey) {
    JobRunner job = job(jobDirectory(target, jobKey));
    DetachedProcess.Status status = job.look().status();
    if (status == DetachedProcess.Status.FAILED) {
      job.moveAside();
    } else if (status != DetachedProcess.Status.NOT_STARTED) {
      throw new IllegalStateException("recovery job " + jobKey + " of target " + target.name() + " has not failed (" + status
          + "): only a failed job is moved aside");
    }
  }

  private RecoveryCommands.Places places(Target target, Path job) {
    return new RecoveryCommands.Places(target.name(), job.resolve(DOWNLOAD),
        Optional.ofNullable(target.properties().backup().dataDirectory()), OraclePhysicalBackups.configuredZone(target));
  }

  private JobRunner job(Path directory) {
    return JobRunner.of(jobs.work(directory));
  }

  Path jobDirectory(Target target, String jobKey) {
    return workDirectory(target).resolve(BackupLayout.pieceName(jobKey));
  }

  private Path workDirectory(Target target) {
    return target.properties().backup().workDirectory(nodeWorkDirectory, target.name()).toAbsolutePath().normalize();
  }

  private ObjectStore objectStore() {
    ObjectStore objects = store.get();
    if (objects == null) {
      throw new IllegalStateException("no bucket is configured (rebound.storage.s3.bucket): backups cannot be read");
    }
    return objects;
  }
}
