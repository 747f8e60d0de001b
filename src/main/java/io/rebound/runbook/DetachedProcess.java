package io.rebound.runbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command run outside the JVM (pg_restore, pg_dump) whose state lives in a job directory, so that it
 * outlives the application: a step starts it and returns, later steps poll it, and after a crash a
 * restarted node finds it again instead of starting it twice.
 *
 * <p>The directory holds {@code pid} (process id and start time, to tell a reused pid apart), {@code log}
 * (stdout and stderr) and {@code exit} (the exit code, written atomically when the command ends).
 */
public final class DetachedProcess {

  /** Where a job stands. */
  public enum Status { NOT_STARTED, RUNNING, SUCCEEDED, FAILED, VANISHED }

  /** The job's state and where its log is. */
  public record State(Status status, Integer exitCode, Path log) {}

  private static final String PID = "pid";
  private static final String LOG = "log";
  private static final String EXIT = "exit";

  private final Path directory;

  public DetachedProcess(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  public Path log() {
    return directory.resolve(LOG);
  }

  /** The job's state; {@link Status#VANISHED} when it was started but died without an exit code. */
  public State state() {
    Path exit = directory.resolve(EXIT);
    if (Files.exists(exit)) {
      int code = Integer.parseInt(read(exit).strip());
      return new State(code == 0 ? Status.SUCCEEDED : Status.FAILED, code, log());
    }
    Path pid = directory.resolve(PID);
    if (!Files.exists(pid)) {
      return new State(Status.NOT_STARTED, null, log());
    }
    return new State(isAlive(read(pid)) ? Status.RUNNING : Status.VANISHED, null, log());
  }

  /**
   * Starts the command unless it is running or has finished; a job that vanished (its node crashed with
   * it) is started again, its old log kept beside the new one. Returns the state after the call.
   *
   * @param files files written into the job directory before the start, readable by the owner only
   *     (e.g. a password file the command is pointed at by {@code environment})
   */
  public State startOrAttach(List<String> command, Map<String, String> environment, Map<String, String> files) {
    State state = state();
    if (state.status() == Status.RUNNING || state.status() == Status.SUCCEEDED || state.status() == Status.FAILED) {
      return state;
    }
    try {
      Files.createDirectories(directory);
      if (state.status() == Status.VANISHED && Files.exists(log())) {
        Files.move(log(), directory.resolve(LOG + "." + Instant.now().toEpochMilli()), StandardCopyOption.REPLACE_EXISTING);
      }
      for (Map.Entry<String, String> file : files.entrySet()) {
        writePrivate(directory.resolve(file.getKey()), file.getValue());
      }
      List<String> launcher = new ArrayList<>();
      // setsid puts the job in its own session: stopping the application (or its terminal) leaves it running.
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        launcher.add("/usr/bin/setsid");
      }
      launcher.addAll(List.of("/bin/sh", "-c",
          "\"$@\"; code=$?; echo $code > \"$REBOUND_JOB_DIR/exit.tmp\" && mv \"$REBOUND_JOB_DIR/exit.tmp\" \"$REBOUND_JOB_DIR/exit\"",
          "rebound-job"));
      launcher.addAll(command);
      ProcessBuilder builder = new ProcessBuilder(launcher)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(environment);
      builder.environment().put("REBOUND_JOB_DIR", directory.toAbsolutePath().toString());
      Process process = builder.start();
      String startedAt = process.info().startInstant().map(Instant::toString).orElse("");
      Files.writeString(directory.resolve(PID), process.pid() + " " + startedAt + "\n");
      return new State(Status.RUNNING, null, log());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0) + " in " + directory, e);
    }
  }

  /**
   * Moves a finished job's directory aside ({@code <name>.failed-<time>}), keeping its log for the record,
   * so that the next start runs the job afresh instead of finding the old exit code.
   */
  public Path moveAside() {
    Path aside = directory.resolveSibling(directory.getFileName() + ".failed-" + Instant.now().toEpochMilli());
    try {
      Files.move(directory, aside);
      return aside;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + directory + " aside", e);
    }
  }

  /** The running job's process, when it is alive and visible from here. */
  public Optional<ProcessHandle> handle() {
    Path pid = directory.resolve(PID);
    if (!Files.exists(pid) || Files.exists(directory.resolve(EXIT))) {
      return Optional.empty();
    }
    String line = read(pid);
    if (!isAlive(line)) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(line.strip().split(" ", 2)[0]));
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

  private static boolean isAlive(String pidLine) {
    String[] parts = pidLine.strip().split(" ", 2);
    Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    if (parts.length < 2 || parts[1].isBlank()) {
      return true;
    }
    // A pid can be reused after a reboot; only the process started at the recorded instant is ours.
    return handle.get().info().startInstant().map(Instant::toString).map(parts[1]::equals).orElse(true);
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
