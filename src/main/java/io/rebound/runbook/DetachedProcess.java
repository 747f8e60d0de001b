package io.rebound.runbook;

import io.rebound.runbook.JobLiveness.Runner;
import io.rebound.runbook.JobLiveness.Sighting;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A command run outside the JVM (pg_restore, pg_dump) whose state lives in a job directory, so that it
 * outlives the application: a step starts it and returns, later steps poll it, and after a crash any node
 * sharing the work directory finds it again instead of starting it twice.
 *
 * <p>The directory holds {@code start-<n>} (one per start, created exclusively: of two nodes that both decide
 * to start the job, only one wins), {@code pid} (host, boot id, process id and start time of the wrapper),
 * {@code heartbeat} (refreshed by the wrapper while the command lives), {@code log} (stdout and stderr) and
 * {@code exit} (the exit code, written atomically when the command ends). {@link JobLiveness} reads them.
 *
 * <p>The wrapper is a small {@code sh} script in a session of its own, not the JVM: a node that dies leaves
 * its job running and beating, so the others wait for it rather than start it again. The beat is tied to the
 * command, not to the wrapper: it stops when the command ends, however the wrapper ends (a {@code kill -9} of
 * the wrapper leaves the command beating until it ends, a terminated wrapper terminates the command first),
 * and the wrapper terminates its command when it cannot write the heartbeat for half the stale limit, before
 * the other nodes may count the job as gone. So a stale heartbeat means the command no longer runs.
 */
public final class DetachedProcess {

  /** Where a job stands. */
  public enum Status { NOT_STARTED, RUNNING, SUCCEEDED, FAILED, VANISHED }

  /**
   * The job's state and where its log is.
   *
   * @param host the host that runs (or ran) the job, when known
   * @param startedNow whether the call that returned this state started the command
   */
  public record State(Status status, Integer exitCode, Path log, String host, boolean startedNow) {}

  private static final String PID = "pid";
  private static final String LOG = "log";
  private static final String EXIT = "exit";
  private static final String HEARTBEAT = "heartbeat";

  /**
   * Runs {@code "$@"}, beats while it lives, then writes its exit code. The child is started in the background
   * so the wrapper can pass a termination on to it and still record how it ended.
   */
  static final String WRAPPER = String.join("\n",
      "dir=\"$REBOUND_JOB_DIR\"",
      "\"$@\" &",
      "child=$!",
      "(",
      "  last=$(date +%s)",
      "  while kill -0 \"$child\" 2>/dev/null; do",
      // Written by the shell itself (echo is built in): a killed beater leaves no writer behind.
      "    if echo \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" 2>/dev/null > \"$dir/heartbeat\"; then",
      "      last=$(date +%s)",
      "    elif [ $(( $(date +%s) - last )) -ge \"$REBOUND_FENCE_SECONDS\" ]; then",
      "      kill -TERM \"$child\" 2>/dev/null",
      "    fi",
      "    sleep \"$REBOUND_HEARTBEAT_SECONDS\"",
      "  done",
      ") &",
      "beater=$!",
      "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT HUP",
      "wait \"$child\"; code=$?",
      "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; code=$?; done",
      "{ kill \"$beater\"; wait \"$beater\"; } 2>/dev/null",
      "echo \"$code\" > \"$dir/exit.tmp\" && mv -f \"$dir/exit.tmp\" \"$dir/exit\"",
      "");

  private final Path directory;
  private final JobDirectory jobDirectory;
  private final JobHost host;
  private final JobLiveness.LocalProcesses processes;

  /**
   * A job judged as this machine with the default heartbeat rules; nodes get theirs from {@link DetachedJobs},
   * so that a configured host id applies.
   */
  public DetachedProcess(Path directory) {
    this(directory, JobHost.of(new NodeProperties(null, Duration.ofSeconds(5), Duration.ofMinutes(1))));
  }

  /** A job judged from {@code host}. */
  public DetachedProcess(Path directory, JobHost host) {
    this(directory, host, JobLiveness.LocalProcesses.OF_THIS_HOST);
  }

  DetachedProcess(Path directory, JobHost host, JobLiveness.LocalProcesses processes) {
    this.directory = directory;
    this.jobDirectory = new JobDirectory(directory);
    this.host = host;
    this.processes = processes;
  }

  public Path directory() {
    return directory;
  }

  public Path log() {
    return directory.resolve(LOG);
  }

  /** The job's state; {@link Status#VANISHED} when it was started but its command is gone without an exit code. */
  public State state() {
    return state(look(), false);
  }

  /**
   * Starts the command unless it runs (here or on another host) or has finished; a job that vanished is started
   * again, its old log kept beside the new one. Returns the state after the call.
   *
   * @param files files written into the job directory before the start, readable by the owner only
   *     (e.g. a password file the command is pointed at by {@code environment})
   */
  public State startOrAttach(List<String> command, Map<String, String> environment, Map<String, String> files) {
    Look before = look();
    if (before.status() != Status.NOT_STARTED && before.status() != Status.VANISHED) {
      return state(before, false);
    }
    try {
      Files.createDirectories(directory);
      if (!jobDirectory.lock(before.attempt() + 1, new Runner(host.id(), host.boot(), 0, Instant.now().toString()).format())) {
        return state(look(), false);
      }
      // The exit file may have been written after the look (a command that ended as its heartbeat went stale).
      Look locked = look();
      if (locked.exitCode() != null) {
        return state(locked, false);
      }
      if (before.status() == Status.VANISHED) {
        Files.deleteIfExists(directory.resolve(PID));
        if (Files.exists(log())) {
          Files.move(log(), directory.resolve(LOG + "." + Instant.now().toEpochMilli()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      for (Map.Entry<String, String> file : files.entrySet()) {
        writePrivate(directory.resolve(file.getKey()), file.getValue());
      }
      Process process = launch(command, environment);
      String startedAt = process.info().startInstant().map(Instant::toString).orElse("");
      jobDirectory.writeAtomically(PID, new Runner(host.id(), host.boot(), process.pid(), startedAt).format());
      return new State(Status.RUNNING, null, log(), host.id(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + " in " + directory, e);
    }
  }

  /**
   * Moves a finished job's directory aside ({@code <name>.failed-<time>}), keeping its log for the record,
   * so that the next start runs the job afresh instead of finding the old exit code.
   */
  public Path moveAside() {
    return jobDirectory.moveAside();
  }

  /** The running job's wrapper process, when it runs on this host (only then can it be watched from here). */
  public Optional<ProcessHandle> handle() {
    Look seen = look();
    Runner runner = seen.runner();
    if (seen.status() != Status.RUNNING || runner == null || runner.host() == null
        || !host.isThisHost(runner.host(), runner.boot()) || !JobLiveness.runsHere(runner, processes)) {
      return Optional.empty();
    }
    return ProcessHandle.of(runner.pid());
  }

  /** Removes files written for the start (password files) once the job no longer needs them. */
  public void removeFiles(Iterable<String> names) {
    for (String name : names) {
      try {
        Files.deleteIfExists(directory.resolve(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The log's lines, or none when there is no log yet. */
  public List<String> logLines() {
    try {
      return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What one look at the directory found, and the verdict on it. */
  private record Look(Status status, Integer exitCode, Runner runner, int attempt, String startedBy) {}

  private State state(Look look, boolean startedNow) {
    Runner runner = look.runner();
    String by = runner != null && runner.host() != null ? runner.host() : look.startedBy();
    return new State(look.status(), look.exitCode(), log(), by, startedNow);
  }

  private Look look() {
    // Each file is opened by name, which makes a shared file system (NFS: close-to-open) fetch it anew. A file gone
    // between two reads was moved by a node restarting the job: it counts as absent, and the start lock keeps the
    // verdict safe.
    String exit = jobDirectory.read(EXIT);
    Integer exitCode = exit == null ? null : Integer.valueOf(exit.strip());
    int attempt = jobDirectory.attempts();
    String pid = jobDirectory.read(PID);
    Runner runner = pid == null ? null : Runner.parse(pid);
    // There is no start-0: a job never started has no lock to read.
    String lock = jobDirectory.read(JobDirectory.start(attempt));
    String startedBy = lock == null ? null : Runner.parse(lock).host();
    boolean started = attempt > 0 || runner != null;
    Duration sinceLastSign = started
        ? Duration.between(jobDirectory.newestWrite(HEARTBEAT, PID, JobDirectory.start(attempt)), jobDirectory.now()) : Duration.ZERO;
    Status status = JobLiveness.judge(new Sighting(exitCode, started, runner, sinceLastSign), host, processes);
    return new Look(status, exitCode, runner, attempt, startedBy);
  }

  private Process launch(List<String> command, Map<String, String> environment) throws IOException {
    List<String> launcher = new ArrayList<>();
    // setsid puts the job in its own session: stopping the application (or its terminal) leaves it running.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      launcher.add("/usr/bin/setsid");
    }
    launcher.addAll(List.of("/bin/sh", "-c", WRAPPER, "rebound-job"));
    launcher.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(launcher)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(environment);
    builder.environment().putAll(wrapperEnvironment(directory, host));
    return builder.start();
  }

  /**
   * What the wrapper is told: its directory, how often to beat, and after how long without a written beat it ends
   * the command. Half the stale limit, so the command is gone before any node may count it gone.
   */
  static Map<String, String> wrapperEnvironment(Path directory, JobHost host) {
    return Map.of(
        "REBOUND_JOB_DIR", directory.toAbsolutePath().toString(),
        "REBOUND_HEARTBEAT_SECONDS", String.format(Locale.ROOT, "%.3f", host.heartbeatInterval().toMillis() / 1000.0),
        "REBOUND_FENCE_SECONDS", Long.toString(Math.max(1, host.staleAfter().toSeconds() / 2)));
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }
}
