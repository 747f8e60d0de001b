package io.rebound.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's PostgreSQL left running by a Rebound that died without stopping it (kill -9, the OOM killer, a
 * crash): the server outlives the JVM, and its {@code postmaster.pid} keeps the next start from using the
 * data directory. Before the demo starts its server, this stops such an orphan with a fast shutdown (clean:
 * its data stays), but only once the pid in {@code postmaster.pid} is seen to be a postgres working in that
 * very data directory. A pid that is gone or belongs to another program (reused after a reboot) leaves only a
 * stale file, which is removed; a postgres that cannot be told apart is left alone and the start refused.
 */
final class OrphanedPostgres {

  static final String PID_FILE = "postmaster.pid";
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostgres.class);
  /** A postmaster records its start to the second; the kernel's start time may round the other way. */
  private static final Duration START_TOLERANCE = Duration.ofSeconds(10);

  /** What {@code postmaster.pid} says: its first lines are the pid, the data directory and the start time (epoch seconds). */
  record Postmaster(long pid, Path dataDirectory, Instant started) {

    /** The lock file's content, or empty when it is not what a postmaster writes (torn, or not a lock file). */
    static Optional<Postmaster> parse(String text) {
      List<String> lines = text.lines().toList();
      if (lines.size() < 3) {
        return Optional.empty();
      }
      try {
        long pid = Long.parseLong(lines.get(0).strip());
        long started = Long.parseLong(lines.get(2).strip());
        if (pid <= 0 || lines.get(1).isBlank()) {
          return Optional.empty();
        }
        return Optional.of(new Postmaster(pid, Path.of(lines.get(1).strip()), Instant.ofEpochSecond(started)));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * A process as seen from here.
   *
   * @param command the program's path, when visible
   * @param workingDirectory where it works, when visible (a postmaster changes into its data directory)
   * @param arguments its arguments, when visible
   * @param started when it started, when visible
   */
  record Seen(boolean alive, String command, Path workingDirectory, List<String> arguments, Instant started) {
    static final Seen GONE = new Seen(false, null, null, List.of(), null);
  }

  /** What the pid in the lock file turns out to be. */
  enum Verdict {
    /** The process is gone, or is another program: the file is stale. */
    STALE,
    /** A postgres of this data directory: the orphan to stop. */
    ORPHAN,
    /** A postgres that cannot be shown to be this data directory's: neither signalled nor its file touched. */
    UNKNOWN_POSTGRES
  }

  /** Looks at a process by its pid. */
  interface Processes {
    Seen look(long pid);

    /** Asks it for a fast shutdown; returns once it has exited, or throws when it has not within the time. */
    void stop(long pid, Duration within);
  }

  private final Processes processes;

  OrphanedPostgres(Processes processes) {
    this.processes = processes;
  }

  static OrphanedPostgres onThisHost() {
    return new OrphanedPostgres(new HostProcesses());
  }

  /**
   * Makes the data directory free for a new server: stops an orphaned server of it, removes a stale lock
   * file, refuses (an exception saying what to do) when a postgres it cannot place holds the lock file.
   * Returns what it found, empty when there was no lock file.
   */
  Optional<Verdict> clear(Path dataDirectory, Duration within) {
    Path lockFile = dataDirectory.resolve(PID_FILE);
    Optional<String> text = read(lockFile);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Postmaster> postmaster = Postmaster.parse(text.get());
    if (postmaster.isEmpty()) {
      // What a postmaster writes is never this; PostgreSQL says so itself, in terms an operator can act on.
      return Optional.empty();
    }
    long pid = postmaster.get().pid();
    Verdict verdict = judge(postmaster.get(), dataDirectory, processes.look(pid));
    switch (verdict) {
      case STALE -> {
        LOG.info("Removing the stale {} of the demo's PostgreSQL (pid {} is not a postgres of {})", PID_FILE, pid, dataDirectory);
        delete(lockFile);
      }
      case ORPHAN -> {
        LOG.warn("The demo's PostgreSQL (pid {}) is still running from an earlier start that did not stop it; stopping it", pid);
        processes.stop(pid, within);
        // A server that shut down cleanly removed its lock file; one that did not leaves it to the next start's check.
        if (processes.look(pid).alive()) {
          throw new IllegalStateException("The demo's PostgreSQL (pid " + pid + ") did not stop within " + within.toSeconds() + " s");
        }
      }
      case UNKNOWN_POSTGRES -> throw new IllegalStateException("A PostgreSQL with pid " + pid + " holds " + lockFile
          + ", and it cannot be told whether it serves this data directory. Stop it (pg_ctl stop -D " + dataDirectory
          + ") or, if it is not this directory's server, remove " + lockFile);
    }
    return Optional.of(verdict);
  }

  /** Whether the lock file's pid is this data directory's postgres, another program, or a postgres that cannot be placed. */
  static Verdict judge(Postmaster postmaster, Path dataDirectory, Seen seen) {
    if (!seen.alive() || !isPostgres(seen.command())) {
      return Verdict.STALE;
    }
    if (seen.started() != null
        && Duration.between(postmaster.started(), seen.started()).abs().compareTo(START_TOLERANCE) > 0) {
      // The pid was reused by another postgres since the lock file was written.
      return Verdict.STALE;
    }
    Path directory = real(dataDirectory);
    boolean worksThere = seen.workingDirectory() != null && real(seen.workingDirectory()).equals(directory);
    boolean namedThere = seen.workingDirectory() == null && namesDirectory(seen.arguments(), directory);
    return worksThere || namedThere ? Verdict.ORPHAN : Verdict.UNKNOWN_POSTGRES;
  }

  private static boolean isPostgres(String command) {
    if (command == null) {
      return false;
    }
    String name = Path.of(command).getFileName().toString();
    return name.equals("postgres") || name.equals("postmaster");
  }

  /** Whether {@code -D <directory>} (or {@code -D<directory>}) is among the arguments. */
  private static boolean namesDirectory(List<String> arguments, Path directory) {
    for (int i = 0; i < arguments.size(); i++) {
      String argument = arguments.get(i);
      String named = argument.equals("-D") && i + 1 < arguments.size() ? arguments.get(i + 1)
          : argument.startsWith("-D") && argument.length() > 2 ? argument.substring(2) : null;
      if (named != null && real(Path.of(named)).equals(directory)) {
        return true;
      }
    }
    return false;
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the stale " + file, e);
    }
  }

  /** Processes of this host, through {@link ProcessHandle} and, on Linux, {@code /proc}. */
  static final class HostProcesses implements Processes {

    @Override
    public Seen look(long pid) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return Seen.GONE;
      }
      ProcessHandle.Info info = handle.get().info();
      Path workingDirectory;
      try {
        workingDirectory = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        workingDirectory = null;
      }
      return new Seen(true, info.command().orElse(null), workingDirectory, info.arguments().map(List::of).orElse(List.of()),
          info.startInstant().orElse(null));
    }

    @Override
    public void stop(long pid, Duration within) {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty()) {
        return;
      }
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the server checkpoints and removes its lock file.
      // (SIGTERM would wait for every session to end, such as a pg_restore the demo left running.)
      if (!signal(pid)) {
        handle.get().destroy();
      }
      try {
        handle.get().onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the demo's PostgreSQL", e);
      } catch (ExecutionException | TimeoutException e) {
        // The caller looks again and says so.
      }
    }

    /** Sends SIGINT; whether it was delivered. */
    static boolean signal(long pid) {
      try {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
