package io.rebound.repair;

import io.rebound.repair.reference.Mailbox;
import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.repair.reference.WorkingDirectory;
import io.rebound.storage.ObjectStore;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Workstation databases for the tests, each a database of one real PostgreSQL server holding a small shop
 * (customers, orders) that replicates, with the reference implementation's replication schema. Each
 * workstation's generators make keys of their own residue (start = its number, increment 10), as in a
 * hub-and-spoke system where every workstation inserts.
 */
final class WorkstationDatabases implements AutoCloseable {

  private final EmbeddedPostgres server;
  private final Path directories;

  WorkstationDatabases() {
    try {
      server = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
      directories = Files.createTempDirectory("rebound-workstations");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String database) {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
  }

  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(url(database), "postgres", "");
  }

  Path workingDirectory(String workstation) {
    return directories.resolve(workstation);
  }

  /** Creates the workstation's database with its shop and replication schema; its generators start at {@code number}. */
  ReferenceWorkstation create(String workstation, int number, ObjectStore store, Mailbox mailbox) throws SQLException {
    try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + workstation);
    }
    try (Connection connection = connect(workstation); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA shop");
      for (String table : List.of("customers", "orders")) {
        statement.execute("CREATE SEQUENCE shop." + table + "_id_seq START " + number + " INCREMENT 10 MINVALUE 1");
      }
      statement.execute("CREATE TABLE shop.customers (id bigint PRIMARY KEY DEFAULT nextval('shop.customers_id_seq'), name text NOT NULL, city text)");
      statement.execute("CREATE TABLE shop.orders (id bigint PRIMARY KEY DEFAULT nextval('shop.orders_id_seq'), customer_id bigint,"
          + " amount numeric(10,2), note text)");
      statement.execute("ALTER SEQUENCE shop.customers_id_seq OWNED BY shop.customers.id");
      statement.execute("ALTER SEQUENCE shop.orders_id_seq OWNED BY shop.orders.id");
      ReferenceWorkstation.install(connection);
      ReferenceWorkstation.replicate(connection, "shop.customers", "id");
      ReferenceWorkstation.replicate(connection, "shop.orders", "id");
    }
    return open(workstation, mailbox);
  }

  ReferenceWorkstation open(String workstation, Mailbox mailbox) {
    return new ReferenceWorkstation(workstation, () -> connect(workstation), new WorkingDirectory(workingDirectory(workstation)), mailbox);
  }

  /** A copy of the workstation's database as it is now, kept as database {@code <workstation>_backup}. */
  void backup(String workstation) throws SQLException {
    try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + workstation + "_backup");
      statement.execute("CREATE DATABASE " + workstation + "_backup TEMPLATE " + workstation);
    }
  }

  /** The workstation's database replaced by its backup; working directory and server are left as they are. */
  void restoreFromBackup(String workstation) throws SQLException {
    try (Connection admin = connect("postgres"); Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE " + workstation + " WITH (FORCE)");
      statement.execute("CREATE DATABASE " + workstation + " TEMPLATE " + workstation + "_backup");
    }
  }

  void loseWorkingDirectory(String workstation) throws IOException {
    io.rebound.testsupport.Directories.delete(workingDirectory(workstation));
  }

  /** Every row of the shop, in key order, as text: equal on two workstations when they hold the same data. */
  String shop(String workstation) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = connect(workstation); Statement statement = connection.createStatement()) {
      for (String table : List.of("customers", "orders")) {
        try (ResultSet result = statement.executeQuery("SELECT t::text FROM shop." + table + " t ORDER BY id")) {
          while (result.next()) {
            rows.add(table + result.getString(1));
          }
        }
      }
    }
    return String.join("\n", rows);
  }

  long queryLong(String workstation, String sql) throws SQLException {
    try (Connection connection = connect(workstation); Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  void execute(String workstation, String... sql) throws SQLException {
    try (Connection connection = connect(workstation); Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    io.rebound.testsupport.Directories.delete(directories);
  }
}
