package io.rebound.restore.postgresql;

import io.rebound.restore.JobProgress;
import io.rebound.restore.JobSpec;
import io.rebound.runbook.DetachedJobs;
import io.rebound.runbook.DetachedProcess;
import io.rebound.runbook.JobRunner;
import io.rebound.runbook.JobStatus;
import io.rebound.runbook.StepLog;
import io.rebound.target.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The restore's two jobs, pg_dump for the safety export and pg_restore for the import: their command lines as the
 * plan carries them, and running them as detached processes through {@link JobRunner} (start or attach, look),
 * with their progress and errors read from the programs' own output.
 */
final class PostgresJobs {

  static final String PASSWORD_FILE = "pgpass";
  /** The setting of a safety export's job that names the schemas it exports, comma-separated. */
  static final String SCHEMAS = "schemas";
  private static final Pattern RESTORE_STEP = Pattern.compile("^pg_restore: (creating|processing data|executing|restoring) .*");
  private static final Pattern DUMP_STEP = Pattern.compile("^pg_dump: dumping contents of table .*");

  private final Path workDirectory;
  private final DetachedJobs jobs;
  private final PostgresDumpFiles dumpFiles;

  /** @param workDirectory under which each run keeps its jobs' directories */
  PostgresJobs(Path workDirectory, DetachedJobs jobs, PostgresDumpFiles dumpFiles) {
    this.workDirectory = workDirectory;
    this.jobs = jobs;
    this.dumpFiles = dumpFiles;
  }

  /** pg_dump of the schemas into a new archive of the dump directory, named for the owner and the run. */
  static JobSpec safetyExport(Target target, PostgresClient client, String schemaOwner, List<String> schemas, String runId) {
    String file = "rebound-safety-" + schemaOwner + "-" + jobId(runId) + ".dump";
    List<String> command = new ArrayList<>(List.of(client.program("pg_dump").toString(), "--format=custom", "--verbose"));
    command.addAll(client.connectionOptions());
    schemas.forEach(s -> command.add("--schema=" + s));
    command.add("--file=" + PostgresDumpFiles.path(target, file));
    return new JobSpec("rebound-export-" + jobId(runId), file, command, Map.of(SCHEMAS, String.join(",", schemas)));
  }

  /** pg_restore of the archive; {@code --clean --if-exists} makes running it again over a half-done import harmless. */
  static JobSpec importJob(Target target, PostgresClient client, String dumpFile, String runId) {
    List<String> command = new ArrayList<>(List.of(client.program("pg_restore").toString(), "--verbose", "--clean", "--if-exists",
        "--jobs=" + target.properties().parallelism()));
    command.addAll(client.connectionOptions());
    command.add(PostgresDumpFiles.path(target, dumpFile).toString());
    return new JobSpec("rebound-import-" + jobId(runId), dumpFile, command);
  }

  JobProgress startOrAttach(Target target, JobSpec job, String runId, StepLog log) {
    DetachedProcess process = process(runId, job);
    JobRunner runner = JobRunner.of(process);
    JobStatus before = runner.look();
    String command = String.join(" ", job.parameters());
    if (before.needsStart()) {
      PostgresClient client = new PostgresClient(target);
      JobStatus after = runner.startOrAttach(new JobRunner.Command(job.parameters(),
          client.environment(process.directory().resolve(PASSWORD_FILE)), Map.of(PASSWORD_FILE, client.passwordFileContent())));
      if (after.startedNow()) {
        // Sized after the start, off the job's critical path: progress is a convenience.
        writeTotal(target, job, process);
        // --clean makes a second run over the first one's remains safe.
        log.startedJob(command, (before.status() == DetachedProcess.Status.VANISHED
            ? "restarted: the earlier run vanished without an exit code" : "started") + " on " + after.host());
      } else {
        log.ran(command, "attached: another node started it first, on " + after.host());
      }
    } else {
      log.ran(command, "attached to the job started earlier (" + before.status() + ", on " + before.host() + ")");
    }
    return look(target, job, runId);
  }

  Optional<CompletableFuture<Void>> whenFinished(JobSpec job, String runId) {
    return process(runId, job).handle().map(handle -> handle.onExit().thenApply(ended -> null));
  }

  JobProgress look(Target target, JobSpec job, String runId) {
    DetachedProcess process = process(runId, job);
    return progress(JobRunner.of(process), process);
  }

  /** A process's status as the restore's progress: the one place the two meet. */
  private static JobProgress progress(JobRunner runner, DetachedProcess process) {
    JobStatus status = runner.look();
    switch (status.status()) {
      case NOT_STARTED -> {
        return new JobProgress(JobProgress.State.NOT_STARTED, 0, List.of(), "not started", null);
      }
      case VANISHED -> {
        return new JobProgress(JobProgress.State.GONE, 0, List.of(), "stopped without an exit code on " + status.host()
            + " (its node went down with it)", status.host());
      }
      case RUNNING -> {
        return new JobProgress(JobProgress.State.RUNNING, Math.min(99, percent(process, process.logLines())), List.of(),
            "running on " + status.host(), status.host());
      }
      default -> {
        List<String> lines = process.logLines();
        process.removeFiles(List.of(PASSWORD_FILE));
        List<String> errors = errorLines(lines);
        if (status.status() == DetachedProcess.Status.SUCCEEDED) {
          return new JobProgress(JobProgress.State.SUCCEEDED, 100, errors, "exit code 0 on " + status.host(), status.host());
        }
        if (errors.isEmpty()) {
          errors = lines.subList(Math.max(0, lines.size() - 20), lines.size());
        }
        int percent = percent(process, lines);
        // Kept for the record, out of the way: a retry of the step starts the job afresh (--clean makes that safe).
        Path aside = runner.moveAside();
        return new JobProgress(JobProgress.State.FAILED, percent, errors, "exit code " + status.exitCode() + " on " + status.host()
            + ", log kept in " + aside, status.host());
      }
    }
  }

  private void writeTotal(Target target, JobSpec job, DetachedProcess process) {
    try {
      Files.createDirectories(process.directory());
      long total;
      if (job.name().startsWith("rebound-import")) {
        total = dumpFiles.entries(target, job.file());
      } else {
        try (Connection connection = target.connect()) {
          List<String> schemas = List.of(job.setting(SCHEMAS).split(","));
          try (PreparedStatement statement = connection.prepareStatement(PostgresStatements.TABLE_COUNT)) {
            statement.setArray(1, PostgresStatements.array(connection, schemas));
            try (ResultSet rows = statement.executeQuery()) {
              rows.next();
              total = rows.getLong(1);
            }
          }
        }
      }
      Files.writeString(process.directory().resolve("total"), Long.toString(total));
    } catch (Exception e) {
      // Progress is a convenience; a job whose size cannot be told still runs.
    }
  }

  private static int percent(DetachedProcess process, List<String> lines) {
    try {
      Path totalFile = process.directory().resolve("total");
      long total = Files.exists(totalFile) ? Long.parseLong(Files.readString(totalFile).strip()) : 0;
      if (total <= 0) {
        return 0;
      }
      Pattern step = process.directory().getFileName().toString().startsWith("rebound-import") ? RESTORE_STEP : DUMP_STEP;
      long done = lines.stream().filter(l -> step.matcher(l).matches()).count();
      return (int) Math.min(100, done * 100 / total);
    } catch (Exception e) {
      return 0;
    }
  }

  /** pg_restore and pg_dump errors, each with the command it was about when the tool says so. */
  static List<String> errorLines(List<String> lines) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.contains(": error: ") || line.startsWith("pg_restore: warning: errors ignored") || line.contains("FATAL:")) {
        errors.add(line);
        if (i + 1 < lines.size() && lines.get(i + 1).startsWith("Command was:")) {
          errors.add(lines.get(i + 1));
        }
      }
    }
    return errors;
  }

  private DetachedProcess process(String runId, JobSpec job) {
    return jobs.at(workDirectory.resolve(runId).resolve(job.name()));
  }

  /** The run's id as it names the jobs and the safety export's archive: its letters and digits, at most twelve. */
  static String jobId(String runId) {
    String compact = runId.replaceAll("[^A-Za-z0-9]", "");
    return compact.length() <= 12 ? compact : compact.substring(0, 12);
  }
}
