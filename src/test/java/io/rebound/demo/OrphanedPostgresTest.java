package io.rebound.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.demo.OrphanedPostgres.Postmaster;
import io.rebound.demo.OrphanedPostgres.Processes;
import io.rebound.demo.OrphanedPostgres.Seen;
import io.rebound.demo.OrphanedPostgres.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before the demo starts its PostgreSQL, a server left running by a Rebound that was killed is stopped, and
 * only when its pid is shown to be a postgres of that data directory; a stale lock file is removed; a postgres
 * that cannot be placed is left alone.
 */
class OrphanedPostgresTest {

  static final Instant STARTED = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir Path directory;
  Path data;

  @BeforeEach
  void dataDirectory() throws IOException {
    data = Files.createDirectories(directory.resolve("pgdata"));
  }

  @Test
  void shouldReadTheLockFileAPostmasterWrites() {
    Optional<Postmaster> read = Postmaster.parse("4242\n/srv/demo/pgdata\n" + STARTED.getEpochSecond() + "\n54321\n/tmp\nlocalhost\n  1 2\nready   \n");

    assertThat(read).contains(new Postmaster(4242, Path.of("/srv/demo/pgdata"), STARTED));
  }

  @Test
  void shouldNotReadWhatNoPostmasterWrites() {
    assertThat(Postmaster.parse("")).isEmpty();
    assertThat(Postmaster.parse("4242\n/srv/demo/pgdata\n")).isEmpty();
    assertThat(Postmaster.parse("x\n/srv/demo/pgdata\n1700000000\n")).isEmpty();
    assertThat(Postmaster.parse("4242\n/srv/demo/pgdata\nsoon\n")).isEmpty();
    assertThat(Postmaster.parse("0\n/srv/demo/pgdata\n1700000000\n")).isEmpty();
    assertThat(Postmaster.parse("-3\n/srv/demo/pgdata\n1700000000\n")).isEmpty();
    assertThat(Postmaster.parse("4242\n  \n1700000000\n")).isEmpty();
    assertThat(Postmaster.parse(" 4242 \n /srv/demo/pgdata \n 1700000000 \n")).contains(
        new Postmaster(4242, Path.of("/srv/demo/pgdata"), Instant.ofEpochSecond(1700000000)));
  }

  @Test
  void shouldCallAPostgresWorkingInTheDataDirectoryAnOrphan() throws IOException {
    assertThat(judge(postgres("/usr/lib/postgresql/15/bin/postgres", data, List.of(), STARTED))).isEqualTo(Verdict.ORPHAN);
    assertThat(judge(postgres("/opt/pg/bin/postmaster", data, List.of(), STARTED.plusSeconds(2)))).isEqualTo(Verdict.ORPHAN);
    assertThat(judge(postgres("postgres", data, List.of(), STARTED.minusSeconds(10)))).isEqualTo(Verdict.ORPHAN);
    assertThat(judge(postgres("postgres", data, List.of(), null))).isEqualTo(Verdict.ORPHAN);
    // The directory as the kernel shows it, through a link.
    Path link = Files.createSymbolicLink(directory.resolve("link"), data);
    assertThat(judge(postgres("postgres", link, List.of(), STARTED))).isEqualTo(Verdict.ORPHAN);
  }

  @Test
  void shouldCallAPostgresNamingTheDataDirectoryAnOrphanWhenItsWorkingDirectoryIsHidden() {
    assertThat(judge(postgres("postgres", null, List.of("-D", data.toString(), "-p", "5432"), STARTED))).isEqualTo(Verdict.ORPHAN);
    assertThat(judge(postgres("postgres", null, List.of("-p", "5432", "-D" + data), STARTED))).isEqualTo(Verdict.ORPHAN);
    assertThat(judge(postgres("postgres", null, List.of("-D", directory.resolve("other").toString()), STARTED)))
        .isEqualTo(Verdict.UNKNOWN_POSTGRES);
    assertThat(judge(postgres("postgres", null, List.of("-D"), STARTED))).isEqualTo(Verdict.UNKNOWN_POSTGRES);
    assertThat(judge(postgres("postgres", null, List.of("-D", "-p", data.toString()), STARTED))).isEqualTo(Verdict.UNKNOWN_POSTGRES);
    assertThat(judge(postgres("postgres", null, List.of(data.toString()), STARTED))).isEqualTo(Verdict.UNKNOWN_POSTGRES);
    assertThat(judge(postgres("postgres", null, List.of(), STARTED))).isEqualTo(Verdict.UNKNOWN_POSTGRES);
  }

  @Test
  void shouldNeverCallAPostgresOfAnotherDirectoryAnOrphan() {
    // Its working directory is the one that counts, whatever its arguments say.
    assertThat(judge(postgres("postgres", directory.resolve("other"), List.of("-D", data.toString()), STARTED)))
        .isEqualTo(Verdict.UNKNOWN_POSTGRES);
  }

  @Test
  void shouldCallTheLockFileStaleWhenItsPidIsGoneOrAnotherProgram() {
    assertThat(judge(Seen.GONE)).isEqualTo(Verdict.STALE);
    assertThat(judge(new Seen(false, "postgres", data, List.of(), STARTED))).isEqualTo(Verdict.STALE);
    assertThat(judge(new Seen(true, "/usr/bin/java", data, List.of(), STARTED))).isEqualTo(Verdict.STALE);
    assertThat(judge(new Seen(true, "/usr/bin/postgres-exporter", data, List.of(), STARTED))).isEqualTo(Verdict.STALE);
    assertThat(judge(new Seen(true, null, data, List.of(), STARTED))).isEqualTo(Verdict.STALE);
    // A postgres started long after the lock file was written has the pid by reuse.
    assertThat(judge(postgres("postgres", data, List.of(), STARTED.plusSeconds(11)))).isEqualTo(Verdict.STALE);
    assertThat(judge(postgres("postgres", data, List.of(), STARTED.minusSeconds(3600)))).isEqualTo(Verdict.STALE);
  }

  @Test
  void shouldDoNothingWithoutALockFileOrWithOneNoPostmasterWrote() throws IOException {
    FakeProcesses processes = new FakeProcesses(postgres("postgres", data, List.of(), STARTED));

    assertThat(new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(1))).isEmpty();
    Files.writeString(data.resolve(OrphanedPostgres.PID_FILE), "garbage");
    assertThat(new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(1))).isEmpty();

    assertThat(data.resolve(OrphanedPostgres.PID_FILE)).exists();
    assertThat(processes.looked).isEmpty();
    assertThat(processes.stopped).isEmpty();
  }

  @Test
  void shouldRemoveAStaleLockFileWithoutSignallingAnything() throws IOException {
    lockFile(4242);
    FakeProcesses processes = new FakeProcesses(new Seen(true, "/usr/bin/bash", null, List.of(), null));

    assertThat(new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(1))).contains(Verdict.STALE);

    assertThat(data.resolve(OrphanedPostgres.PID_FILE)).doesNotExist();
    assertThat(processes.looked).containsExactly(4242L);
    assertThat(processes.stopped).isEmpty();
  }

  @Test
  void shouldStopTheOrphan() throws IOException {
    lockFile(4242);
    FakeProcesses processes = new FakeProcesses(postgres("postgres", data, List.of(), STARTED), Seen.GONE);

    assertThat(new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(7))).contains(Verdict.ORPHAN);

    assertThat(processes.stopped).containsExactly(4242L);
    assertThat(processes.within).isEqualTo(Duration.ofSeconds(7));
    assertThat(processes.looked).containsExactly(4242L, 4242L);
  }

  @Test
  void shouldRefuseToGoOnWhenTheOrphanDoesNotStop() throws IOException {
    lockFile(4242);
    Seen running = postgres("postgres", data, List.of(), STARTED);
    FakeProcesses processes = new FakeProcesses(running, running);

    assertThatThrownBy(() -> new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(7)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("pid 4242").hasMessageContaining("did not stop within 7 s");
  }

  @Test
  void shouldLeaveAPostgresItCannotPlaceAloneAndSaySo() throws IOException {
    lockFile(4242);
    FakeProcesses processes = new FakeProcesses(postgres("postgres", directory.resolve("other"), List.of(), STARTED));

    assertThatThrownBy(() -> new OrphanedPostgres(processes).clear(data, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pid 4242").hasMessageContaining("pg_ctl stop -D " + data).hasMessageContaining("remove " + data.resolve("postmaster.pid"));

    assertThat(data.resolve(OrphanedPostgres.PID_FILE)).exists();
    assertThat(processes.stopped).isEmpty();
  }

  @Test
  void shouldStopARealProcessCalledPostgresWorkingInTheDataDirectory() throws Exception {
    assumeChildrenHearSigint();
    // A stand-in for the server: a program named postgres, working in the data directory, that a SIGINT ends.
    Path postgres = Files.copy(Path.of("/bin/sleep"), directory.resolve("postgres"), StandardCopyOption.COPY_ATTRIBUTES);
    Process orphan = new ProcessBuilder(postgres.toString(), "120").directory(data.toFile()).start();
    try {
      Instant started = orphan.info().startInstant().orElseThrow();
      Files.writeString(data.resolve(OrphanedPostgres.PID_FILE), orphan.pid() + "\n" + data + "\n" + started.getEpochSecond() + "\n");

      assertThat(OrphanedPostgres.onThisHost().clear(data, Duration.ofSeconds(30))).contains(Verdict.ORPHAN);

      assertThat(orphan.isAlive()).isFalse();
      assertThat(orphan.exitValue()).as("ended by SIGINT").isEqualTo(128 + 2);
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void shouldNotSignalARealProgramThatHasTheLockFilesPid() throws Exception {
    Process other = new ProcessBuilder("/bin/sleep", "120").directory(data.toFile()).start();
    try {
      lockFile(other.pid());

      assertThat(OrphanedPostgres.onThisHost().clear(data, Duration.ofSeconds(30))).contains(Verdict.STALE);

      assertThat(other.waitFor(200, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(data.resolve(OrphanedPostgres.PID_FILE)).doesNotExist();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void shouldRefuseToGoOnWhenTheOrphanIgnoresTheFastShutdown() throws Exception {
    // SIGINT ignored, as by a server stuck in its shutdown: it is not killed harder, the start is refused.
    Path postgres = Files.copy(Path.of("/bin/sh"), directory.resolve("postgres"), StandardCopyOption.COPY_ATTRIBUTES);
    Process stuck = new ProcessBuilder(postgres.toString(), "-c", "trap '' INT; while true; do sleep 1; done").directory(data.toFile()).start();
    try {
      Instant started = stuck.info().startInstant().orElseThrow();
      Files.writeString(data.resolve(OrphanedPostgres.PID_FILE), stuck.pid() + "\n" + data + "\n" + started.getEpochSecond() + "\n");

      assertThatThrownBy(() -> OrphanedPostgres.onThisHost().clear(data, Duration.ofMillis(500)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("did not stop");

      assertThat(stuck.isAlive()).isTrue();
    } finally {
      stuck.destroyForcibly();
    }
  }

  @Test
  void shouldSayWhetherTheFastShutdownWasDelivered() throws Exception {
    assumeChildrenHearSigint();
    Process running = new ProcessBuilder("/bin/sleep", "120").start();
    Process ended = new ProcessBuilder("/bin/true").start();
    ended.waitFor();
    try {
      assertThat(OrphanedPostgres.HostProcesses.signal(ended.pid())).isFalse();
      assertThat(OrphanedPostgres.HostProcesses.signal(running.pid())).isTrue();
      assertThat(running.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      running.destroyForcibly();
    }
  }

  @Test
  void shouldSeeAProcessThatIsGoneAsGone() throws Exception {
    Process ended = new ProcessBuilder("/bin/true").start();
    ended.waitFor();
    OrphanedPostgres.HostProcesses host = new OrphanedPostgres.HostProcesses();

    assertThat(host.look(ended.pid()).alive()).isFalse();
    host.stop(ended.pid(), Duration.ofSeconds(1));
    Seen self = host.look(ProcessHandle.current().pid());
    assertThat(self.alive()).isTrue();
    assertThat(self.command()).endsWith("java");
    assertThat(self.workingDirectory()).isEqualTo(Path.of("").toRealPath());
  }

  private Verdict judge(Seen seen) {
    return OrphanedPostgres.judge(new Postmaster(4242, data, STARTED), data, seen);
  }

  private static Seen postgres(String command, Path workingDirectory, List<String> arguments, Instant started) {
    return new Seen(true, command, workingDirectory, arguments, started);
  }

  private void lockFile(long pid) throws IOException {
    Files.writeString(data.resolve(OrphanedPostgres.PID_FILE), pid + "\n" + data + "\n" + STARTED.getEpochSecond() + "\n5432\n");
  }

  /** Answers looks in turn (the last one again once they run out) and records what it was asked. */
  static final class FakeProcesses implements Processes {
    final List<Seen> answers;
    final List<Long> looked = new ArrayList<>();
    final List<Long> stopped = new ArrayList<>();
    Duration within;

    FakeProcesses(Seen... answers) {
      this.answers = List.of(answers);
    }

    @Override
    public Seen look(long pid) {
      looked.add(pid);
      return answers.get(Math.min(looked.size(), answers.size()) - 1);
    }

    @Override
    public void stop(long pid, Duration within) {
      stopped.add(pid);
      this.within = within;
    }
  }

  /**
   * A program started in the background by a shell without job control inherits SIGINT ignored, and passes it on to
   * every process it starts: then no stand-in server here can be ended by the fast shutdown, whatever the code does.
   */
  private static void assumeChildrenHearSigint() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return;
    }
    String ignored = Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:")).findFirst()
        .map(line -> line.substring("SigIgn:".length()).trim()).orElse("0");
    boolean sigintIgnored = (Long.parseUnsignedLong(ignored, 16) & (1L << (2 - 1))) != 0;
    Assumptions.assumeFalse(sigintIgnored, "this JVM inherited SIGINT ignored (started in the background without job control):"
        + " the processes it starts cannot be ended by SIGINT");
  }
}
