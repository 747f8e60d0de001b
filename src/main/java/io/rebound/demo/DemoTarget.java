package io.rebound.demo;

import io.rebound.target.Dialect;
import io.rebound.target.TargetProperties;
import io.rebound.target.TargetRegistrar;
import io.rebound.target.Targets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Starts an embedded PostgreSQL for the demo, creates the WINSTORE schema in it and a dump of it with
 * pg_dump, and registers it as target {@code demo}.
 */
@Component
// Never with prod, even when both are named: the prod profile then refuses to start, and no demo part runs first.
@Profile("demo & !prod")
public class DemoTarget implements DisposableBean, TargetRegistrar {

  public static final String NAME = "demo";
  public static final String DUMP_FILE = "winstore_full_backup.dump";
  private static final Logger LOG = LoggerFactory.getLogger(DemoTarget.class);
  /** A fast shutdown takes a checkpoint: seconds for the demo's few megabytes. */
  private static final String PORT_FILE = "postgres.port";
  private static final Duration ORPHAN_STOP_TIME = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;

  public DemoTarget(Targets targets, @Value("${rebound.demo.directory:./data/demo}") Path directory,
      @Value("${rebound.demo.schema-password:Winstore-Demo-2026}") String schemaPassword) throws IOException, SQLException {
    LOG.warn("""

        ************************************************************************************
        *  Rebound is running with the DEMO profile: an embedded PostgreSQL as target      *
        *  'demo', demo users operator / approver / admin with a known password, the       *
        *  engine on an H2 file. Choose --spring.profiles.active=prod for real use.        *
        ************************************************************************************""");
    Path dumps = Files.createDirectories(directory.resolve("dumps")).toAbsolutePath();
    Path pgData = Files.createDirectories(directory.resolve("pgdata")).toAbsolutePath();
    // A Rebound killed before it could stop its server left that server running on this directory.
    OrphanedPostgres.onThisHost().clear(pgData, ORPHAN_STOP_TIME);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false);
    // The port of the last start, while it is free: the plans of runs waiting for approval name it, and would
    // have to be approved again on another.
    Path portFile = directory.resolve(PORT_FILE);
    lastPort(portFile).filter(DemoTarget::isFree).ifPresent(builder::setPort);
    postgres = builder.start();
    Files.writeString(portFile, postgres.getPort() + "\n");
    String url = postgres.getJdbcUrl("postgres", "postgres");
    try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
      WinstoreSchema.createIfMissing(connection);
    }
    TargetProperties target = new TargetProperties(Dialect.POSTGRESQL, url, "postgres", null, null, dumps, null, null, 2,
        Map.of("winstore_admin", schemaPassword, "winstore_app", schemaPassword, "winstore_read", schemaPassword), Map.of());
    targets.register(NAME, target);
    Path dump = dumps.resolve(DUMP_FILE);
    if (!Files.exists(dump)) {
      createDump(target, dump);
    }
    LOG.info("Demo target '{}' ready on port {}, dump {}", NAME, postgres.getPort(), dump);
  }

  private static Optional<Integer> lastPort(Path file) {
    try {
      return Files.exists(file) ? Optional.of(Integer.parseInt(Files.readString(file).strip())) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void createDump(TargetProperties target, Path dump) {
    Path bin = target.binDirectory() != null ? target.binDirectory() : io.rebound.restore.postgresql.PostgresClient.discoverBinDirectory();
    String pgDump = bin == null ? "pg_dump" : bin.resolve("pg_dump").toString();
    try {
      Process process = new ProcessBuilder(List.of(pgDump, "--format=custom", "--schema=winstore_admin", "--host=localhost",
          "--port=" + postgres.getPort(), "--username=postgres", "--dbname=postgres", "--file=" + dump))
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        LOG.warn("Could not create the demo dump with {}: {}", pgDump, output);
      }
    } catch (IOException e) {
      LOG.warn("Could not run {} to create the demo dump ({}); install the PostgreSQL client programs", pgDump, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void destroy() throws IOException {
    postgres.close();
  }
}
