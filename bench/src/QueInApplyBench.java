import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.repair.reference.Mailbox;
import io.rebound.repair.reference.ReferenceWorkstation;
import io.rebound.repair.reference.Replica;
import io.rebound.repair.reference.ReplicaCodec;
import io.rebound.repair.reference.WorkingDirectory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * QueIn apply throughput, side by side in one run on one server:
 *   P  the floor: the same changes by plain batched JDBC statements, an upsert and a delete (typed binds, a
 *      batch sent whenever the kind of change switches, a commit per 1000 changes), read from memory
 *   Q  the reference workstation's apply of QueIn (what the repair's apply-que-in step runs), from the
 *      replicas stored in replication.que_in to the end, its connections opened as Target.connect opens them
 * Each measurement starts from an empty table, the applied mark at 0 and a checkpoint; P and Q take turns
 * at coming first. Prints each run and the medians: replicas/s, rows/s and Q/P (goal >= 0.7).
 * The changes are upserts and, a share of them (default 0.2), deletes of keys drawn from the same range, in
 * one order both ways apply.
 * Usage: java -cp <classes and dependencies> bench/src/QueInApplyBench.java URL REPLICAS ROWS_PER_REPLICA RUNS [DELETE_SHARE]
 */
public final class QueInApplyBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE = "bench.items";
  private static final String UPSERT = "INSERT INTO bench.items (id, kind, amount, at, flag, note) VALUES (?, ?, ?, ?, ?, ?)"
      + " ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, amount = EXCLUDED.amount, at = EXCLUDED.at, flag = EXCLUDED.flag,"
      + " note = EXCLUDED.note";

  private static final String DELETE = "DELETE FROM bench.items WHERE id = ?";

  /** One change: an upsert of the whole row, or (delete) the row of its id removed. */
  record Row(long id, String kind, BigDecimal amount, Instant at, boolean flag, String note, boolean delete) {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int replicas = Integer.parseInt(args[1]);
    int perReplica = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    double deleteShare = args.length > 4 ? Double.parseDouble(args[4]) : 0.2;

    // Keys drawn from a range half the number of changes: about half the upserts update a row an earlier replica inserted.
    SplittableRandom random = new SplittableRandom(42);
    long keys = Math.max(1, (long) replicas * perReplica / 2);
    List<Row> rows = new ArrayList<>(replicas * perReplica);
    for (int i = 0; i < replicas * perReplica; i++) {
      long id = 1 + random.nextLong(keys);
      rows.add(new Row(id, "kind-" + (id % 37), BigDecimal.valueOf(random.nextLong(10_000_000), 2),
          Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), i % 2 == 0, Long.toHexString(random.nextLong()) + "-" + i,
          random.nextDouble() < deleteShare));
    }

    try (Connection c = connect(url); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS bench CASCADE");
      s.execute("DROP SCHEMA IF EXISTS replication CASCADE");
      s.execute("CREATE SCHEMA bench");
      s.execute("CREATE TABLE bench.items (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, amount numeric(12,2), at timestamptz NOT NULL,"
          + " flag boolean, note text)");
      ReferenceWorkstation.install(c);
      ReferenceWorkstation.replicate(c, TABLE, "id");
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO replication.que_in (no, author, author_no, age, payload) VALUES (?, ?, ?, ?, ?)")) {
        for (int n = 1; n <= replicas; n++) {
          List<Replica.Change> changes = new ArrayList<>(perReplica);
          for (Row row : rows.subList((n - 1) * perReplica, n * perReplica)) {
            if (row.delete()) {
              changes.add(Replica.Change.delete(TABLE, row.id()));
              continue;
            }
            ObjectNode json = JSON.createObjectNode();
            json.put("id", row.id()).put("kind", row.kind()).put("amount", row.amount()).put("at", row.at().toString())
                .put("flag", row.flag()).put("note", row.note());
            changes.add(Replica.Change.upsert(TABLE, row.id(), json));
          }
          byte[] bytes = ReplicaCodec.encode(new Replica("hub-b", n, n, n, changes));
          insert.setLong(1, n);
          insert.setString(2, "hub-b");
          insert.setLong(3, n);
          insert.setLong(4, n);
          insert.setBytes(5, bytes);
          insert.addBatch();
          if (n % 1000 == 0) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
      c.commit();
      c.setAutoCommit(true);
      s.execute("VACUUM ANALYZE replication.que_in");
    }
    System.out.printf("%d replicas of %d row changes in QueIn (%d changes, %d of them deletes, %d distinct keys at most)%n", replicas, perReplica,
        rows.size(), rows.stream().filter(Row::delete).count(), keys);

    ReferenceWorkstation workstation = new ReferenceWorkstation("hub-a", () -> connect(url),
        new WorkingDirectory(Files.createTempDirectory("bench-workstation")), new Mailbox(null, "bench"));
    long[] plain = new long[runs];
    long[] queIn = new long[runs];
    for (int run = 0; run < runs; run++) {
      for (int turn = 0; turn < 2; turn++) {
        boolean plainTurn = (run + turn) % 2 == 0;
        reset(url);
        long start = System.nanoTime();
        if (plainTurn) {
          plainUpsert(url, rows);
          plain[run] = (System.nanoTime() - start) / 1_000_000;
        } else {
          long applied = workstation.applyQueIn(() -> false);
          queIn[run] = (System.nanoTime() - start) / 1_000_000;
          if (applied != replicas) {
            throw new IllegalStateException("applied " + applied + " replicas, not " + replicas);
          }
        }
        verify(url, rows);
      }
      System.out.printf("run %d: plain upsert %d ms, QueIn apply %d ms, ratio %.3f%n", run + 1, plain[run], queIn[run],
          (double) plain[run] / queIn[run]);
    }
    long p = median(plain);
    long q = median(queIn);
    System.out.printf("median plain upsert %d ms (%.0f rows/s), QueIn apply %d ms (%.0f replicas/s, %.0f rows/s), QueIn/plain %.3f (goal >= 0.7)%n",
        p, rows.size() * 1000.0 / p, q, replicas * 1000.0 / q, rows.size() * 1000.0 / q, (double) p / q);
  }

  static Connection connect(String url) throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "postgres");
    info.setProperty("ApplicationName", "rebound");
    return DriverManager.getConnection(url, info);
  }

  static void reset(String url) throws SQLException {
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      s.execute("TRUNCATE bench.items");
      s.execute("UPDATE replication.marks SET value = 0 WHERE name = 'que_in_applied'");
      s.execute("VACUUM ANALYZE bench.items");
      s.execute("CHECKPOINT");
    }
  }

  static void plainUpsert(String url, List<Row> rows) throws SQLException {
    try (Connection c = connect(url)) {
      c.setAutoCommit(false);
      try (PreparedStatement upsert = c.prepareStatement(UPSERT); PreparedStatement delete = c.prepareStatement(DELETE)) {
        PreparedStatement pending = null;
        int count = 0;
        for (Row row : rows) {
          PreparedStatement statement = row.delete() ? delete : upsert;
          // Order matters between an upsert and a delete of the same key: a switch sends what is batched first.
          if (pending != null && pending != statement) {
            pending.executeBatch();
          }
          pending = statement;
          statement.setLong(1, row.id());
          if (!row.delete()) {
            upsert.setString(2, row.kind());
            upsert.setBigDecimal(3, row.amount());
            upsert.setTimestamp(4, Timestamp.from(row.at()));
            upsert.setBoolean(5, row.flag());
            upsert.setString(6, row.note());
          }
          statement.addBatch();
          if (++count % 1000 == 0) {
            pending.executeBatch();
            pending = null;
            c.commit();
          }
        }
        if (pending != null) {
          pending.executeBatch();
        }
        c.commit();
      }
    }
  }

  /** Both ways must leave the same table: the last change of each key wins, a delete leaving no row. */
  static void verify(String url, List<Row> rows) throws SQLException {
    java.util.Map<Long, Row> last = new java.util.HashMap<>();
    rows.forEach(row -> {
      if (row.delete()) {
        last.remove(row.id());
      } else {
        last.put(row.id(), row);
      }
    });
    try (Connection c = connect(url); Statement s = c.createStatement();
        var result = s.executeQuery("SELECT count(*), coalesce(sum(extract(epoch FROM at - timestamptz '2026-01-01T00:00:00Z')::bigint), 0)"
            + " FROM bench.items")) {
      result.next();
      long expected = last.values().stream().mapToLong(row -> row.at().getEpochSecond() - Instant.parse("2026-01-01T00:00:00Z").getEpochSecond()).sum();
      if (result.getLong(1) != last.size() || result.getLong(2) != expected) {
        throw new IllegalStateException("bench.items holds " + result.getLong(1) + " rows, not " + last.size() + ", or not the last upsert of each");
      }
    }
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
