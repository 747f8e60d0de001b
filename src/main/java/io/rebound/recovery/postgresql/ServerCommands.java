package io.rebound.recovery.postgresql;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL programs triage runs on the database host ({@code pg_ctl}, {@code pg_controldata},
 * {@code pg_checksums}), as the operating-system user the server belongs to: through {@code runuser} when Rebound runs as
 * root, {@code sudo -n} otherwise, directly when Rebound is that user.
 */
final class ServerCommands {

  /** What a program printed and how it ended. */
  record Result(int exitCode, String output) {}

  private final Path binDirectory;
  private final Path dataDirectory;
  private final String osUser;
  private final String currentUser;

  ServerCommands(Path binDirectory, Path dataDirectory, String osUser, String currentUser) {
    this.binDirectory = binDirectory;
    this.dataDirectory = dataDirectory;
    this.osUser = osUser;
    this.currentUser = currentUser;
  }

  List<String> asServerUser(List<String> command) {
    List<String> full = new ArrayList<>();
    if (osUser != null && !osUser.equals(currentUser)) {
      full.addAll("root".equals(currentUser) ? List.of("runuser", "-u", osUser, "--") : List.of("sudo", "-n", "-u", osUser, "--"));
    }
    full.addAll(command);
    return full;
  }

  List<String> status() {
    return asServerUser(List.of(program("pg_ctl"), "-D", dataDirectory.toString(), "status"));
  }

  /** Starts the server and waits until it accepts connections or gives up: crash recovery runs inside this wait. */
  List<String> start(Path serverLog, Duration wait) {
    return asServerUser(List.of(program("pg_ctl"), "-D", dataDirectory.toString(), "-l", serverLog.toString(), "-w", "-t",
        Long.toString(wait.toSeconds()), "start"));
  }

  List<String> controlData() {
    return asServerUser(List.of(program("pg_controldata"), "-D", dataDirectory.toString()));
  }

  List<String> checksums() {
    return asServerUser(List.of(program("pg_checksums"), "--check", "-D", dataDirectory.toString()));
  }

  /** Whether files Rebound creates for the server (its start log) must be given to the server's user. */
  boolean needsChown() {
    return osUser != null && "root".equals(currentUser) && !osUser.equals(currentUser);
  }

  List<String> chown(Path path) {
    return List.of("chown", osUser + ":", path.toString());
  }

  private String program(String name) {
    return binDirectory == null ? name : binDirectory.resolve(name).toString();
  }

  /** Runs a command to its end with its output; a command that does not end in time is killed and reported. */
  static Result run(List<String> command, Duration timeout) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within " + timeout);
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + command.get(0) + " ran", e);
    }
  }
}
