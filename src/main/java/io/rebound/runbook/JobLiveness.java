package io.rebound.runbook;

import io.rebound.runbook.DetachedProcess.Status;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a detached job still runs, judged the same way by every node that reads its directory.
 *
 * <p>An exit code settles it. Otherwise only the host that runs the job may look at its pid, and even there a
 * dead wrapper is not proof enough (its command may run on); every node, this host included, holds the job for
 * running while its newest sign of life (heartbeat, start lock, pid record) is younger than the stale limit.
 * The wrapper keeps the heartbeat fresh only while the command is alive, so a stale heartbeat means the
 * command is gone, not merely that the node that started it is.
 */
final class JobLiveness {

  private JobLiveness() {}

  /**
   * Who runs a job, as its pid file records it.
   *
   * @param host the host id, null in a record written before hosts were recorded
   * @param started the instant the process started, as {@link ProcessHandle.Info#startInstant()} told it; empty when unknown
   */
  record Runner(String host, String boot, long pid, String started) {

    /** Reads a record ({@code key=value} lines), or the older one-line {@code <pid> <start>} form. */
    static Runner parse(String content) {
      String text = content.strip();
      if (!text.contains("=")) {
        String[] parts = text.split(" ", 2);
        return new Runner(null, "", Long.parseLong(parts[0]), parts.length < 2 ? "" : parts[1].strip());
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : text.split("\n")) {
        int equals = line.indexOf('=');
        if (equals > 0) {
          values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
        }
      }
      return new Runner(values.get("host"), values.getOrDefault("boot", ""), Long.parseLong(values.getOrDefault("pid", "0")),
          values.getOrDefault("started", ""));
    }

    String format() {
      return "host=" + host + "\nboot=" + boot + "\npid=" + pid + "\nstarted=" + started + "\n";
    }
  }

  /**
   * What a node sees in a job directory.
   *
   * @param exitCode the exit code, when the exit file is there
   * @param started whether any start was recorded (a start lock or a pid record)
   * @param runner the pid record, when there is one
   * @param sinceLastSign how long ago the newest heartbeat, start lock or pid record was written
   */
  record Sighting(Integer exitCode, boolean started, Runner runner, Duration sinceLastSign) {}

  /** The processes of this host: the start instant of a live pid (empty string when unknown), empty when none lives. */
  interface LocalProcesses {
    Optional<String> startOf(long pid);

    LocalProcesses OF_THIS_HOST = pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .map(handle -> handle.info().startInstant().map(Object::toString).orElse(""));
  }

  static Status judge(Sighting sighting, JobHost self, LocalProcesses processes) {
    if (sighting.exitCode() != null) {
      return sighting.exitCode() == 0 ? Status.SUCCEEDED : Status.FAILED;
    }
    if (!sighting.started()) {
      return Status.NOT_STARTED;
    }
    Runner runner = sighting.runner();
    if (runner != null && runner.host() == null) {
      // Started before hosts were recorded, by a node that kept no heartbeat: its pid is all there is.
      return runsHere(runner, processes) ? Status.RUNNING : Status.VANISHED;
    }
    if (runner != null && self.isThisHost(runner.host(), runner.boot()) && runsHere(runner, processes)) {
      return Status.RUNNING;
    }
    return sighting.sinceLastSign().compareTo(self.staleAfter()) < 0 ? Status.RUNNING : Status.VANISHED;
  }

  /** Whether the recorded process lives on this host; a reused pid belongs to a process started at another instant. */
  static boolean runsHere(Runner runner, LocalProcesses processes) {
    Optional<String> start = processes.startOf(runner.pid());
    if (start.isEmpty()) {
      return false;
    }
    return runner.started().isEmpty() || start.get().isEmpty() || start.get().equals(runner.started());
  }
}
