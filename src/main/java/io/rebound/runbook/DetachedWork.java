package io.rebound.runbook;

import io.rebound.runbook.DetachedProcess.Status;
import io.rebound.runbook.JobLiveness.Runner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Work done inside this JVM (copying a data directory, laying one down) whose state lives in a job directory the
 * way a {@link DetachedProcess}'s does, so that a step starts it and returns, later steps poll it, and any node
 * sharing the work directory finds it again instead of starting it twice.
 *
 * <p>The directory holds {@code start-<n>} (one per start, created exclusively: of two nodes that both decide to
 * start the work, only one wins), {@code pid} (host, boot id, pid and start instant of the JVM doing it),
 * {@code heartbeat} (written while the work's thread lives), {@code progress}, {@code log}, and once it ends
 * {@code result} or {@code failure}, then {@code exit} (0 or 1), each written atomically.
 *
 * <p>Unlike a command, the work dies with its JVM. So another node counts it as running while its heartbeat is
 * fresh and starts it again once it is stale; the JVM that runs it knows its own work without the heartbeat. The
 * work must therefore be safe to run again after any crash: it finds in the job directory what a previous run
 * finished and carries on from there. The heartbeat stops when the work's thread ends, and a work that cannot write
 * its heartbeat for half the stale limit is told to stop ({@link Beat#check()} throws) before other nodes may count
 * it as gone. The work runs on the node's {@link DetachedWorkers}: when the node stops, running work is told to stop
 * the same way and its job is left without an end, to be taken again as after a crash.
 */
public final class DetachedWork {

  /**
   * Where the work stands.
   *
   * @param result what the work returned, once {@link Status#SUCCEEDED}
   * @param failure why it failed (the exception and its causes), once {@link Status#FAILED}
   * @param progress the last progress the work reported
   * @param host the node that runs (or ran) the work, when known
   * @param startedNow whether the call that returned this state started the work
   */
  public record State(Status status, String result, String failure, String progress, String host, boolean startedNow) {}

  /** The work; what it returns is kept in the job directory as its result. */
  @FunctionalInterface
  public interface Work {
    String run(Beat beat) throws Exception;
  }

  /** What the work is given to report progress and to learn that it must stop. */
  public interface Beat {
    /** The job directory, where the work keeps what it has finished so that a rerun can carry on. */
    Path directory();

    /** Records what the work does now, for whoever polls it; also a log line. */
    void progress(String text);

    /** Throws {@link CancellationException} when the work must stop: its heartbeat could not be written in time. */
    void check();
  }

  private static final String PID = "pid";
  private static final String HEARTBEAT = "heartbeat";
  private static final String PROGRESS = "progress";
  private static final String RESULT = "result";
  private static final String FAILURE = "failure";
  private static final String EXIT = "exit";
  private static final String LOG = "log";

  /**
   * The job directories whose work runs in this JVM now: known to the JVM, not to one application in it, since the pid
   * record that sends a look here names the JVM.
   */
  private static final Map<Path, CompletableFuture<Void>> RUNNING_HERE = new ConcurrentHashMap<>();

  private final Path directory;
  private final JobDirectory jobDirectory;
  private final JobHost host;
  private final DetachedWorkers workers;
  private final Runner self;

  /** The work kept in {@code directory}, judged from {@code host}, run on {@code workers} when this call starts it. */
  public DetachedWork(Path directory, JobHost host, DetachedWorkers workers) {
    this.directory = directory.toAbsolutePath().normalize();
    this.jobDirectory = new JobDirectory(this.directory);
    this.host = host;
    this.workers = workers;
    ProcessHandle jvm = ProcessHandle.current();
    this.self = new Runner(host.id(), host.boot(), jvm.pid(), jvm.info().startInstant().map(Instant::toString).orElse(""));
  }

  public Path directory() {
    return directory;
  }

  public Path log() {
    return directory.resolve(LOG);
  }

  /** The work's state; {@link Status#VANISHED} when it was started but stopped without an end (its node died). */
  public State state() {
    return state(look(), false);
  }

  /**
   * Starts the work unless it runs (here or on another node) or has ended; a work that vanished is started again and
   * carries on from what it finished. Returns the state after the call.
   */
  public State startOrAttach(Work work) {
    // The start number comes from the same look as the verdict: a caller that saw the work not started competes for
    // start-1 with every other such caller, and only one of them gets it.
    int attempt = jobDirectory.attempts();
    Status before = look();
    if (before != Status.NOT_STARTED && before != Status.VANISHED) {
      return state(before, false);
    }
    if (workers.stopping()) {
      throw new IllegalStateException("this node is stopping: the work in " + directory + " is not started here; another node or the"
          + " restart starts it");
    }
    try {
      Files.createDirectories(directory);
      if (!lock(attempt + 1)) {
        return state(look(), false);
      }
      if (jobDirectory.read(EXIT) != null) {
        return state(look(), false);
      }
      // Known as running here before the pid record says this JVM has it: another caller in this JVM that looks in
      // between must see it running, not vanished, or it would start the work a second time.
      CompletableFuture<Void> ended = new CompletableFuture<>();
      RUNNING_HERE.put(directory, ended);
      try {
        jobDirectory.writeAtomically(PID, self.format());
        beat();
        launch(work, ended);
      } catch (IOException | RuntimeException e) {
        RUNNING_HERE.remove(directory, ended);
        throw e;
      }
      return state(Status.RUNNING, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the work in " + directory, e);
    }
  }

  /**
   * Moves an ended work's directory aside ({@code <name>.failed-<time>}), its log kept for the record, so that the next
   * start runs the work afresh.
   */
  public Path moveAside() {
    return jobDirectory.moveAside();
  }

  /**
   * Completes when the work that runs in this JVM has recorded its end, so that a caller can go on at once instead of at
   * its next look; empty when the work does not run here (another node runs it, it ended, or it never started). A work
   * stopped with the node, or whose end could not be recorded, completes it exceptionally: it has no end to go on with.
   */
  public Optional<CompletableFuture<Void>> whenEnded() {
    // A copy: whoever watches it cannot complete the work's own future.
    return Optional.ofNullable(RUNNING_HERE.get(directory)).map(CompletableFuture::copy);
  }

  private void launch(Work work, CompletableFuture<Void> ended) {
    AtomicBoolean fenced = new AtomicBoolean();
    AtomicReference<Thread> worker = new AtomicReference<>();
    Beat beat = new Beat() {
      @Override
      public Path directory() {
        return directory;
      }

      @Override
      public void progress(String text) {
        try {
          jobDirectory.writeAtomically(PROGRESS, text);
          Files.writeString(log(), Instant.now() + " " + text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void check() {
        if (fenced.get()) {
          throw new CancellationException("the heartbeat in " + directory + " could not be written for "
              + fence().toSeconds() + " s: another node may take this work over, so it stops here");
        }
        if (workers.stopping()) {
          throw new CancellationException("this node is stopping: the work in " + directory + " stops here, left for another node"
              + " or the restart to take again");
        }
      }
    };
    Future<?> running = workers.run(() -> {
      worker.set(Thread.currentThread());
      boolean recorded = false;
      try {
        String result = work.run(beat);
        end(RESULT, result == null ? "" : result, 0);
        recorded = true;
      } catch (Throwable e) {
        // Whatever a work throws once told to stop is the stop, not its outcome: no end is recorded, so the job is
        // taken again (by another node once the heartbeat is stale, or by the restart) as after a crash.
        boolean stopped = workers.stopping();
        try {
          Files.writeString(log(), Instant.now() + (stopped ? " stopped with the node, left to be taken again: " : " failed: ") + stack(e),
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException logFailure) {
          e.addSuppressed(logFailure);
        }
        if (!stopped) {
          end(FAILURE, describe(e), 1);
          recorded = true;
        }
      } finally {
        RUNNING_HERE.remove(directory, ended);
        if (recorded) {
          ended.complete(null);
        } else {
          ended.completeExceptionally(new CancellationException("the work in " + directory + " ended without its end recorded"));
        }
      }
    });
    AtomicReference<Instant> lastBeat = new AtomicReference<>(Instant.now());
    long interval = Math.max(10, host.heartbeatInterval().toMillis());
    workers.beatWhile(running, () -> {
      try {
        beat();
        lastBeat.set(Instant.now());
      } catch (IOException | RuntimeException e) {
        if (Duration.between(lastBeat.get(), Instant.now()).compareTo(fence()) >= 0 && !fenced.getAndSet(true)) {
          Thread thread = worker.get();
          if (thread != null) {
            thread.interrupt();
          }
        }
      }
    }, interval);
  }

  private Duration fence() {
    return host.staleAfter().dividedBy(2);
  }

  private void end(String file, String content, int exit) {
    try {
      jobDirectory.writeAtomically(file, content);
      jobDirectory.writeAtomically(EXIT, Integer.toString(exit));
    } catch (IOException e) {
      // Without its end recorded the work counts as vanished once its heartbeat is stale, and runs again.
      throw new UncheckedIOException("cannot record the end of the work in " + directory, e);
    }
  }

  static String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = failure; cause != null && text.length() < 4000; cause = cause.getCause()) {
      if (text.length() > 0) {
        text.append("\n  caused by: ");
      }
      text.append(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
    }
    return text.toString();
  }

  /** For the log: the whole stack of a failure. */
  static String stack(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private Status look() {
    String exit = jobDirectory.read(EXIT);
    if (exit != null) {
      return "0".equals(exit.strip()) ? Status.SUCCEEDED : Status.FAILED;
    }
    int attempt = jobDirectory.attempts();
    String pid = jobDirectory.read(PID);
    if (attempt == 0 && pid == null) {
      return Status.NOT_STARTED;
    }
    Runner runner = pid == null ? null : Runner.parse(pid);
    if (runner != null && isThisJvm(runner)) {
      // This very JVM runs it, or ran it and lost it without an end: no need to wait for the heartbeat to age.
      return RUNNING_HERE.containsKey(directory) ? Status.RUNNING : Status.VANISHED;
    }
    Duration sinceLastSign = Duration.between(jobDirectory.newestWrite(HEARTBEAT, PID, JobDirectory.start(attempt)),
        jobDirectory.now());
    return sinceLastSign.compareTo(host.staleAfter()) < 0 ? Status.RUNNING : Status.VANISHED;
  }

  /**
   * Whether a pid record is this JVM's: same host, same boot, same pid. A JVM that died and left the record cannot hold
   * the pid this one holds on the same boot, so no start instant is needed (and instants read twice may differ).
   */
  private boolean isThisJvm(Runner runner) {
    return self.host().equals(runner.host()) && self.boot().equals(runner.boot()) && self.pid() == runner.pid();
  }

  private State state(Status status, boolean startedNow) {
    String pid = jobDirectory.read(PID);
    String by = pid == null ? null : Runner.parse(pid).host();
    String progress = jobDirectory.read(PROGRESS);
    return new State(status, status == Status.SUCCEEDED ? jobDirectory.read(RESULT) : null,
        status == Status.FAILED ? jobDirectory.read(FAILURE) : null, progress, by, startedNow);
  }

  /** Takes start number {@code attempt} for this JVM, or learns that another node took it. */
  boolean lock(int attempt) throws IOException {
    return jobDirectory.lock(attempt, self.format());
  }

  private void beat() throws IOException {
    Files.writeString(directory.resolve(HEARTBEAT), Instant.now().toString());
  }
}
