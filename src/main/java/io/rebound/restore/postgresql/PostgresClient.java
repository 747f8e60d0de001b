package io.rebound.restore.postgresql;

import io.rebound.target.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.Driver;

/**
 * The PostgreSQL client programs of a target (pg_dump, pg_restore) and how to point them at it.
 * Passwords go to the programs through a password file, never on the command line.
 */
public final class PostgresClient {

  private final Target target;
  private final Path binDirectory;
  private final Properties connection;

  PostgresClient(Target target) {
    this.target = target;
    this.binDirectory = target.properties().binDirectory() != null ? target.properties().binDirectory() : discoverBinDirectory();
    this.connection = Driver.parseURL(target.properties().url(), null);
    if (connection == null) {
      throw new IllegalStateException("target " + target.name() + " has an invalid PostgreSQL JDBC URL");
    }
  }

  Path program(String name) {
    Path program = binDirectory == null ? Path.of(name) : binDirectory.resolve(name);
    if (binDirectory != null && !Files.isExecutable(program)) {
      throw new IllegalStateException(program + " is not an executable; set rebound.targets." + target.name() + ".bin-directory");
    }
    return program;
  }

  String host() {
    return connection.getProperty("PGHOST", "localhost").split(",")[0];
  }

  String port() {
    return connection.getProperty("PGPORT", "5432").split(",")[0];
  }

  String database() {
    return connection.getProperty("PGDBNAME");
  }

  /** The connection options every client program gets. */
  List<String> connectionOptions() {
    return List.of("--host=" + host(), "--port=" + port(), "--username=" + target.username(), "--dbname=" + database(), "--no-password");
  }

  /**
   * The environment a client program connects with: its password file, and the target's connect and lock
   * timeouts (libpq counts the connect timeout in whole seconds, at least 2), so that pg_dump or pg_restore
   * behind an application's lock fails instead of waiting forever. Statements have no timeout here: a
   * table's COPY or an index build may rightly take hours.
   */
  Map<String, String> environment(Path passwordFile) {
    long connectSeconds = Math.max(2, (target.properties().connectTimeout().toMillis() + 999) / 1000);
    return Map.of(
        "PGPASSFILE", passwordFile.toAbsolutePath().toString(),
        "PGCONNECT_TIMEOUT", Long.toString(connectSeconds),
        "PGOPTIONS", "-c lock_timeout=" + target.properties().lockTimeout().toMillis());
  }

  /** The content of a libpq password file for the target's user. */
  String passwordFileContent() {
    String password = target.password();
    return "*:*:*:" + escape(target.username()) + ":" + escape(password == null ? "" : password) + "\n";
  }

  /** Runs a short client command (such as {@code pg_restore --list}) and returns its output lines. */
  List<String> runShort(List<String> command, Path workDirectory) {
    try {
      Files.createDirectories(workDirectory);
      Path output = Files.createTempFile(workDirectory, "out", ".txt");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish within 10 minutes");
        }
        List<String> lines = Files.readAllLines(output);
        if (process.exitValue() != 0) {
          throw new ClientCommandException(command.get(0) + " exited with " + process.exitValue() + ": " + String.join(" | ", lines.stream().limit(20).toList()));
        }
        return lines;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A client program that ran and failed. */
  static final class ClientCommandException extends RuntimeException {
    ClientCommandException(String message) {
      super(message);
    }
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  /** The newest /usr/lib/postgresql/N/bin holding pg_restore, or null to rely on PATH. */
  public static Path discoverBinDirectory() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      List<Path> candidates = new ArrayList<>(versions
          .map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("pg_restore")))
          .toList());
      candidates.sort(Comparator.comparingInt(PostgresClient::majorVersion).reversed());
      return candidates.isEmpty() ? null : candidates.get(0);
    } catch (IOException e) {
      return null;
    }
  }

  private static int majorVersion(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
