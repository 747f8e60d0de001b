package io.rebound.backup.postgresql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code pg_ctl} on the restored server, run as the operating-system user it belongs to ({@code backup.os-user}):
 * through {@code runuser} when Rebound runs as root, through {@code sudo -n} otherwise, directly when Rebound is that
 * user.
 */
final class ServerControl {

  /** pg_ctl status: the server runs. */
  static final int RUNNING = 0;
  /** pg_ctl status: no server runs on the data directory. */
  static final int NOT_RUNNING = 3;
  /** How many times pg_ctl status is asked before an answer that is neither counts, and the pause between. */
  static final int STATUS_ATTEMPTS = 20;
  static final Duration STATUS_PAUSE = Duration.ofMillis(150);

  private final Path pgCtl;
  private final Path dataDirectory;
  private final String osUser;
  private final String currentUser;

  ServerControl(Path binDirectory, Path dataDirectory, String osUser, String currentUser) {
    this.pgCtl = binDirectory == null ? Path.of("pg_ctl") : binDirectory.resolve("pg_ctl");
    this.dataDirectory = dataDirectory;
    this.osUser = osUser;
    this.currentUser = currentUser;
  }

  /** A command as the server's user. */
  List<String> asServerUser(List<String> command) {
    List<String> full = new ArrayList<>();
    if (osUser != null && !osUser.equals(currentUser)) {
      if ("root".equals(currentUser)) {
        full.addAll(List.of("runuser", "-u", osUser, "--"));
      } else {
        full.addAll(List.of("sudo", "-n", "-u", osUser, "--"));
      }
    }
    full.addAll(command);
    return full;
  }

  List<String> stopCommand() {
    return asServerUser(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "stop", "-m", "fast", "-w", "-t", "300"));
  }

  List<String> startCommand(Path serverLog) {
    return asServerUser(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "-l", serverLog.toString(), "-W", "start"));
  }

  List<String> statusCommand() {
    return asServerUser(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "status"));
  }

  /**
   * Whether a server runs on the data directory (pg_ctl status). Only pg_ctl's own "no server running" counts as stopped:
   * any other answer (the directory unreadable, the command not run) refuses, since a restore that took a running
   * server for a stopped one would move its data directory from under it. Another answer is asked again for a few
   * seconds first: a server that is starting has its PID file created before it is written, and pg_ctl then says the
   * file is empty.
   */
  boolean running() throws IOException {
    Result status = null;
    for (int attempt = 1; attempt <= STATUS_ATTEMPTS; attempt++) {
      status = run(statusCommand(), Duration.ofSeconds(30), null);
      if (status.exitCode() == RUNNING) {
        return true;
      }
      if (status.exitCode() == NOT_RUNNING) {
        return false;
      }
      if (attempt < STATUS_ATTEMPTS) {
        try {
          Thread.sleep(STATUS_PAUSE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while asking whether a server runs on " + dataDirectory, e);
        }
      }
    }
    throw new IOException("cannot tell whether a server runs on " + dataDirectory + ": " + String.join(" ", statusCommand())
        + " ended with " + status.exitCode() + " " + STATUS_ATTEMPTS + " times in a row: " + status.output().strip());
  }

  /** The files Rebound lays down given to the server's user, when Rebound runs as root for it. */
  List<String> chownCommand(Path path) {
    return List.of("chown", "-R", osUser + ":", path.toString());
  }

  boolean needsChown() {
    return osUser != null && "root".equals(currentUser) && !osUser.equals(currentUser);
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to its end, its output kept (and appended to {@code log} when given). */
  static Result run(List<String> command, Duration timeout, Path log) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within " + timeout);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + command.get(0) + " ran", e);
    }
    if (log != null) {
      Files.writeString(log, "$ " + String.join(" ", command) + "\n" + output, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    return new Result(process.exitValue(), output);
  }

  static void runOrFail(List<String> command, Duration timeout, Path log) throws IOException {
    Result result = run(command, timeout, log);
    if (result.exitCode() != 0) {
      throw new IOException(String.join(" ", command) + " ended with exit code " + result.exitCode() + ": " + result.output().strip());
    }
  }
}
