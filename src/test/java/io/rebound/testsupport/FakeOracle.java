package io.rebound.testsupport;

import io.rebound.backup.BackupManifest;
import io.rebound.backup.BackupStore;
import io.rebound.backup.BackupType;
import io.rebound.backup.LogManifest;
import io.rebound.storage.ObjectStore;
import io.rebound.target.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * An Oracle target the backup, restore and recovery runbooks can run against where no Oracle runs: RMAN is the fake
 * {@code rman} script (src/test/resources/rman/fake), which writes a real RMAN log it is given, exits as told, keeps
 * every command file it was handed and refuses any but an expected one; the target's JDBC URL leads nowhere. Its
 * bucket can hold a day of backups: a FULL and archived logs in one-hour batches, SCN = minute * 1000.
 */
public final class FakeOracle {

  private final String target;
  private final Path rman;
  private final Path work;

  private FakeOracle(String target, Path rman, Path work) {
    this.target = target;
    this.rman = rman;
    this.work = work;
  }

  /** The target {@code target}, its fake RMAN writing {@code sampleLog} (under src/test/resources/rman) and exiting 0. */
  public static FakeOracle target(String target, String sampleLog) {
    try {
      Path rman = directory(target + "-rman");
      try (InputStream script = FakeOracle.class.getResourceAsStream("/rman/fake/rman")) {
        Files.copy(script, rman.resolve("rman"));
      }
      rman.resolve("rman").toFile().setExecutable(true);
      Files.copy(Path.of("src/test/resources/rman/parse-error.log"), rman.resolve("parse-error"));
      Files.writeString(rman.resolve("sample"), Path.of("src/test/resources/rman", sampleLog).toAbsolutePath().toString());
      Files.writeString(rman.resolve("exit"), "0");
      return new FakeOracle(target, rman, directory(target + "-work"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the fake RMAN keeps its settings ({@code sample}, {@code exit}, {@code expect}) and the command files it ran. */
  public Path rman() {
    return rman;
  }

  /** The target's backup work directory. */
  public Path work() {
    return work;
  }

  /** The target's settings, connecting as {@code username}; RMAN run as {@code rman target /} in UTC. */
  public void register(DynamicPropertyRegistry registry, String username) {
    String settings = "rebound.targets." + target + ".";
    registry.add(settings + "dialect", () -> "oracle");
    registry.add(settings + "url", () -> "jdbc:oracle:thin:@//127.0.0.1:1/NOWHERE");
    registry.add(settings + "username", () -> username);
    registry.add(settings + "password", () -> "Oracle-Secret-1");
    registry.add(settings + "backup.work-directory", work::toString);
    registry.add(settings + "backup.rman-command[0]", () -> rman.resolve("rman").toString());
    registry.add(settings + "backup.rman-command[1]", () -> "target");
    registry.add(settings + "backup.rman-command[2]", () -> "/");
    registry.add(settings + "backup.environment.FAKE_RMAN_DIR", rman::toString);
    registry.add(settings + "backup.environment.TZ", () -> "UTC");
  }

  /** A FULL at {@code t0} (SCN 1000 to 10000) and 23 hours of archived logs after it in one-hour batches, of database {@code dbid}. */
  public void publishDay(ObjectStore store, Instant t0, String dbid) {
    try {
      BackupStore backups = new BackupStore(store);
      Path files = Files.createTempDirectory(target + "-pieces");
      backups.publish(new BackupManifest("full-1", target, Dialect.ORACLE, BackupType.FULL, null, 1, dbid, t0,
          t0.plus(Duration.ofMinutes(10)), "1000", "10000", List.of()), List.of(file(files, "db_full_1.bkp", 3000),
          file(files, "controlfile_full_1_1", 100)));
      for (long start = 0; start < 1380; start += 60) {
        backups.publish(new LogManifest("arch-" + start, target, Dialect.ORACLE, 1, dbid, t0.plus(Duration.ofMinutes(start)),
            t0.plus(Duration.ofMinutes(start + 60)), String.valueOf(start * 1000 + 1000), String.valueOf((start + 60) * 1000 + 1000),
            List.of()), List.of(file(files, "arch_" + start + ".arc", 200)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command files the fake RMAN was given, in order. */
  public List<String> runs() throws IOException {
    try (Stream<Path> files = Files.list(rman)) {
      List<String> scripts = new ArrayList<>();
      for (Path run : files.filter(file -> file.getFileName().toString().startsWith("run-")).sorted().toList()) {
        scripts.add(Files.readString(run));
      }
      return scripts;
    }
  }

  /** A new temporary directory, by its real path (the fake RMAN and the job directories compare paths). */
  public static Path directory(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path file(Path directory, String name, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(name.hashCode()).nextBytes(bytes);
    return Files.write(Files.createTempDirectory(directory, "piece").resolve(name), bytes);
  }
}
