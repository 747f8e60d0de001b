package io.rebound.testsupport;

import io.rebound.demo.WinstoreSchema;
import io.rebound.restore.postgresql.PostgresClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two real PostgreSQL servers for a test class: one holds the engine's tables, the other is the target a
 * restore works on. Separate servers, because roles are cluster-wide and a restore drops roles.
 */
public final class PostgresServers implements AutoCloseable {

  public static final String TARGET = "it";
  public static final String TARGET_PASSWORD = "Target-Secret-Pw-9";
  public static final String SCHEMA_PASSWORD = "Winstore-Secret-Pw-7";

  private final EmbeddedPostgres engine;
  private final EmbeddedPostgres target;
  /** A third server: roles are cluster-wide, and a restore must be free to drop the target's. */
  private final EmbeddedPostgres reference;
  private final Path directory;

  public PostgresServers() {
    try {
      directory = Files.createTempDirectory("rebound-it");
      // Dumps and job files only; the servers keep their data elsewhere. Removed when the test JVM ends, as
      // the servers are (the classes holding them never close them).
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Directories.delete(directory);
        } catch (IOException e) {
          // left in the temporary directory
        }
      }));
      Files.createDirectories(dumpDirectory());
      engine = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
      target = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
      reference = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path dumpDirectory() {
    return directory.resolve("dumps");
  }

  public Path workDirectory() {
    return directory.resolve("jobs");
  }

  public String engineUrl() {
    return engine.getJdbcUrl("postgres", "postgres");
  }

  public String targetUrl() {
    return "jdbc:postgresql://localhost:" + target.getPort() + "/postgres";
  }

  /** The reference target {@code ref}: another server, holding what a restore should produce. */
  public String referenceUrl() {
    return "jdbc:postgresql://localhost:" + reference.getPort() + "/postgres";
  }

  /** Loads the reference server from a dump of the target's schema (owned by postgres there). */
  public void createReference(Path dump) {
    Path bin = PostgresClient.discoverBinDirectory();
    run(List.of(bin == null ? "pg_restore" : bin.resolve("pg_restore").toString(), "--no-owner", "--no-acl", "--host=localhost",
        "--port=" + reference.getPort(), "--username=postgres", "--dbname=postgres", dump.toString()));
  }

  public Connection referenceConnection() throws SQLException {
    return DriverManager.getConnection(referenceUrl(), "postgres", "");
  }

  public Connection targetConnection() throws SQLException {
    return DriverManager.getConnection(targetUrl(), "postgres", "");
  }

  /** Spring properties for an application whose engine and target are these servers. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", engineUrl());
    properties.put("spring.datasource.username", "postgres");
    properties.put("spring.datasource.password", "");
    properties.put("camunda.bpm.job-execution.wait-time-in-millis", "50");
    properties.put("camunda.bpm.job-execution.max-wait", "200");
    properties.put("rebound.steps.poll-interval", "PT1S");
    properties.put("rebound.steps.retry-cycle", "R2/PT1S");
    properties.put("rebound.work-directory", workDirectory().toString());
    properties.put("rebound.targets." + TARGET + ".dialect", "postgresql");
    properties.put("rebound.targets." + TARGET + ".url", targetUrl());
    properties.put("rebound.targets." + TARGET + ".username", "postgres");
    properties.put("rebound.targets." + TARGET + ".password", TARGET_PASSWORD);
    properties.put("rebound.targets." + TARGET + ".dump-directory", dumpDirectory().toString());
    properties.put("rebound.targets." + TARGET + ".parallelism", "2");
    for (String user : List.of("winstore_admin", "winstore_app", "winstore_read")) {
      properties.put("rebound.targets." + TARGET + ".user-passwords." + user, SCHEMA_PASSWORD);
    }
    properties.put("rebound.targets.ref.dialect", "postgresql");
    properties.put("rebound.targets.ref.url", referenceUrl());
    properties.put("rebound.targets.ref.username", "postgres");
    return properties;
  }

  /** Creates the WINSTORE schema on the target (plus {@code extraRows} more products) and dumps it. */
  public Path createWinstoreDump(String fileName, int extraRows) throws SQLException {
    try (Connection connection = targetConnection()) {
      WinstoreSchema.createIfMissing(connection);
      if (extraRows > 0) {
        execute(connection, "INSERT INTO winstore_admin.products (product_id, category_id, name, price)"
            + " SELECT 100000 + i, 1 + i % 5, repeat('bulk product ' || i, 3), (i % 1000) / 10.0 FROM generate_series(1, " + extraRows + ") i");
      }
    }
    Path dump = dumpDirectory().resolve(fileName);
    Path bin = PostgresClient.discoverBinDirectory();
    run(List.of(bin == null ? "pg_dump" : bin.resolve("pg_dump").toString(), "--format=custom",
        "--schema=winstore_admin", "--host=localhost", "--port=" + target.getPort(), "--username=postgres", "--dbname=postgres",
        "--file=" + dump));
    return dump;
  }

  private static void run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException(command.get(0) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A fingerprint of every WINSTORE table's rows, to compare a restored schema with the dumped one. */
  public Map<String, String> winstoreFingerprint() throws SQLException {
    Map<String, String> fingerprint = new LinkedHashMap<>();
    try (Connection connection = targetConnection()) {
      for (String[] table : new String[][] {{"categories", "category_id"}, {"products", "product_id"}, {"orders", "order_id"}}) {
        fingerprint.put(table[0], queryString(connection,
            "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY " + table[1] + ")), '') FROM winstore_admin." + table[0] + " t"));
      }
    }
    return fingerprint;
  }

  public static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  public static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  @Override
  public void close() throws IOException {
    engine.close();
    target.close();
    reference.close();
  }
}
