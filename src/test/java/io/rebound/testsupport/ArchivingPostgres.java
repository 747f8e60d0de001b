package io.rebound.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 cluster from the system's binaries ({@code /usr/lib/postgresql/15/bin}), owned by the
 * operating-system user {@code postgres} when the tests run as root, archiving every WAL segment into a directory
 * of its own, as a server that Rebound backs up is set up. Physical backups read its data directory and restores
 * stop it, replace that directory and start it again, which the embedded servers of the other tests do not allow.
 */
public final class ArchivingPostgres implements AutoCloseable {

  /** The newest server binaries Debian's packages installed. */
  public static final Path BIN = binaries();

  private final Path base;
  private final int port;
  private final String osUser;

  private ArchivingPostgres(Path base, int port, String osUser) {
    this.base = base;
    this.port = port;
    this.osUser = osUser;
  }

  private static Path binaries() {
    Path fallback = Path.of("/usr/lib/postgresql/15/bin");
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(version -> version.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(java.util.Comparator.comparingDouble(bin -> version(bin.getParent().getFileName().toString()))).orElse(fallback);
    } catch (IOException e) {
      return fallback;
    }
  }

  private static double version(String name) {
    try {
      return Double.parseDouble(name);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Whether the binaries are here, and as root the user {@code postgres} to run them as (initdb refuses root):
   * the tests that need a cluster of their own skip otherwise.
   */
  public static boolean available() {
    if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
      return false;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return true;
    }
    try {
      Process id = new ProcessBuilder("id", "-u", "postgres").redirectErrorStream(true).start();
      id.getInputStream().readAllBytes();
      return id.waitFor(10, TimeUnit.SECONDS) && id.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static ArchivingPostgres start() throws IOException {
    String osUser = "root".equals(System.getProperty("user.name")) ? "postgres" : null;
    Path base = Files.createTempDirectory("rebound-pg-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ArchivingPostgres cluster = new ArchivingPostgres(base, port, osUser);
    Files.createDirectories(cluster.archiveDirectory());
    Files.createDirectories(cluster.workDirectory());
    if (osUser != null) {
      run(List.of("chown", osUser + ":", base.toString(), cluster.archiveDirectory().toString()));
    }
    cluster.asServerUser(List.of(BIN.resolve("initdb").toString(), "-D", cluster.dataDirectory().toString(), "-A", "trust",
        "-U", "postgres", "-N", "-E", "UTF8", "--locale=C"));
    String archive = cluster.archiveDirectory().toString();
    Files.writeString(cluster.dataDirectory().resolve("postgresql.conf"), String.join("\n",
        "port = " + port,
        "listen_addresses = 'localhost'",
        "unix_socket_directories = '" + base + "'",
        "archive_mode = on",
        "archive_command = 'cp %p " + archive + "/%f.tmp && mv " + archive + "/%f.tmp " + archive + "/%f'",
        "fsync = off",
        "max_wal_size = 256MB",
        "shared_buffers = 32MB",
        ""), java.nio.file.StandardOpenOption.APPEND);
    cluster.asServerUser(List.of(BIN.resolve("pg_ctl").toString(), "-D", cluster.dataDirectory().toString(), "-l",
        base.resolve("server.log").toString(), "-w", "start"));
    return cluster;
  }

  public Path dataDirectory() {
    return base.resolve("data");
  }

  public Path archiveDirectory() {
    return base.resolve("archive");
  }

  /** A backup work directory the server's user can read (restore_command reads the downloaded WAL from it). */
  public Path workDirectory() {
    return base.resolve("work");
  }

  /** The operating-system user the server runs as, or none when the tests run as that user. */
  public String osUser() {
    return osUser;
  }

  public String url() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), "postgres", "");
  }

  /** Switches to a new WAL segment and waits until the finished one is archived. */
  public void switchAndArchive() throws SQLException {
    try (Connection connection = connect(); var statement = connection.createStatement()) {
      var row = statement.executeQuery("SELECT pg_walfile_name(pg_switch_wal())");
      row.next();
      String segment = row.getString(1);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
          .until(() -> Files.exists(archiveDirectory().resolve(segment)));
    }
  }

  private void asServerUser(List<String> command) {
    List<String> full = new ArrayList<>();
    if (osUser != null) {
      full.addAll(List.of("runuser", "-u", osUser, "--"));
    }
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      List<String> stop = new ArrayList<>();
      if (osUser != null) {
        stop.addAll(List.of("runuser", "-u", osUser, "--"));
      }
      stop.addAll(List.of(BIN.resolve("pg_ctl").toString(), "-D", dataDirectory().toString(), "stop", "-m", "immediate"));
      new ProcessBuilder(stop).redirectErrorStream(true).start().waitFor(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Directories.delete(base);
    }
  }
}
