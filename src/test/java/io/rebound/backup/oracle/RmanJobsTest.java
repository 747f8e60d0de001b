package io.rebound.backup.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.DetachedWork.Beat;
import io.rebound.runbook.JobHost;
import io.rebound.target.Dialect;
import io.rebound.target.Target;
import io.rebound.target.TargetProperties;
import io.rebound.target.Targets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RMAN run as a command's job and waited for: started only where none ever ran, never started again where one vanished,
 * and given up on, with its log named, when a step's own short command outlives its limit.
 */
class RmanJobsTest {

  static final JobHost HOST = new JobHost("test-host", "", Duration.ofMillis(50), Duration.ofSeconds(10));

  @TempDir Path work;

  Target target(Path rman) {
    TargetProperties.Backup backup = new TargetProperties.Backup(null, null, null, null, null, work, null, null, null,
        List.of(rman.toString(), "target", "/"), Map.of(), null);
    Targets targets = new Targets(new ReboundProperties(Map.of(), Map.of(), work, null));
    targets.register("ora", new TargetProperties(Dialect.ORACLE, "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE", "system", null, null, null,
        null, null, 2, Map.of(), Map.of(), null, null, null, null, null, null, backup));
    return targets.get("ora");
  }

  /** A fake rman that counts its runs in {@code runs} and then does what {@code body} says. */
  Path fakeRman(String body) throws IOException {
    Path fake = work.resolve("rman");
    Files.writeString(fake, "#!/bin/sh\necho run >> " + work.resolve("runs") + "\n"
        + "for a in \"$@\"; do case \"$a\" in log=*) log=\"${a#log=}\";; esac; done\n" + body);
    Files.setPosixFilePermissions(fake, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    return fake;
  }

  long runs() throws IOException {
    Path runs = work.resolve("runs");
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  static final class Recorded implements Beat {
    final Path directory;
    final List<String> progress = new ArrayList<>();

    Recorded(Path directory) {
      this.directory = directory;
    }

    @Override
    public Path directory() {
      return directory;
    }

    @Override
    public void progress(String text) {
      progress.add(text);
    }

    @Override
    public void check() {}
  }

  @Test
  void shouldStartRmanWhereNoneRanAndReadItsLogOnceItEnds() throws Exception {
    Target target = target(fakeRman("echo 'Recovery Manager complete.' > \"$log\"\n"));
    Recorded beat = new Recorded(work.resolve("job"));

    RmanLog log = new RmanJobs(HOST, Duration.ofMillis(20)).run(target, work.resolve("job/rman"), "BACKUP DATABASE;\n", beat,
        "FULL backup b1");

    assertThat(log.succeeded()).isTrue();
    assertThat(beat.progress).containsExactly("RMAN: FULL backup b1");
    assertThat(runs()).isEqualTo(1);
    // Run again over the ended job, it reads how RMAN ended instead of running it a second time.
    assertThat(new RmanJobs(HOST, Duration.ofMillis(20)).run(target, work.resolve("job/rman"), "other", beat, "again").succeeded()).isTrue();
    assertThat(runs()).isEqualTo(1);
    assertThat(beat.progress).hasSize(1);
  }

  @Test
  void shouldNotStartRmanAgainWhereOneVanishedButFailWithWhatItsLogShows() throws Exception {
    Target target = target(fakeRman("echo 'Recovery Manager complete.' > \"$log\"\n"));
    Path directory = Files.createDirectories(work.resolve("job/rman"));
    Files.writeString(directory.resolve("pid"), "2147483646 2026-11-29T01:00:00Z\n");
    Files.writeString(directory.resolve("rman.log"), "Starting restore at 2026-11-29 01:00:04\n");
    Files.setLastModifiedTime(directory.resolve("pid"), java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Recorded beat = new Recorded(work.resolve("job"));

    assertThatThrownBy(() -> new RmanJobs(HOST, Duration.ofMillis(20)).run(target, directory, "RESTORE DATABASE;\n", beat, "restore"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("RMAN stopped without an exit code (its host restarted or it was killed)");
    assertThat(runs()).isZero();
    assertThat(beat.progress).isEmpty();
    assertThat(directory.resolve("rman.cmd")).doesNotExist();
  }

  @Test
  void shouldGiveUpOnAStepsOwnRmanThatOutlivesItsLimitNamingItsLog() throws Exception {
    Target target = target(fakeRman("sleep 5\n"));
    Path directory = work.resolve("startup-1");

    assertThatThrownBy(() -> new RmanJobs(HOST, Duration.ofMillis(20)).runWithin(target, directory, "STARTUP MOUNT;\n",
        Duration.ofMillis(300))).isInstanceOf(IllegalStateException.class)
        .hasMessage("RMAN in " + directory + " has not ended after 0 s; its log is " + directory.resolve("rman.log"));
    assertThat(runs()).isEqualTo(1);
  }
}
