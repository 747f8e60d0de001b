package io.rebound.repair.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.repair.Gap;
import io.rebound.repair.Workstation;
import io.rebound.repair.WorkstationReadings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The reference replication workstation: its database (queues, marks, audit, generators; see
 * {@code repair/reference/V1__replication.sql}), its working directory and its mailbox on the server. It
 * runs the normal cycle ({@link #cycle}) and every operation the repair needs.
 */
public final class ReferenceWorkstation implements Workstation {

  /** Opens a connection to the workstation's database; the caller closes it. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  static final String QUE_IN_APPLIED = "que_in_applied";
  static final String QUE_OUT_SENT = "que_out_sent";
  static final String AUDIT_AGE = "audit_age";
  static final String AUDIT_AGE_PACKAGED = "audit_age_packaged";
  static final String REPAIR_QUE_OUT_APPLIED = "repair_que_out_applied";
  private static final ObjectMapper JSON = new ObjectMapper();
  // A batch of QueIn replicas commits with its mark at whichever of these comes first: small enough that a
  // stop or a lock waits little, large enough that commits cost little against the rows.
  static final int APPLY_BATCH_REPLICAS = 1000;
  static final int APPLY_BATCH_CHANGES = 10_000;
  static final long APPLY_BATCH_NANOS = 1_000_000_000L;

  private final String id;
  private final Connections connections;
  private final WorkingDirectory directory;
  private final Mailbox mailbox;

  public ReferenceWorkstation(String id, Connections connections, WorkingDirectory directory, Mailbox mailbox) {
    this.id = id;
    this.connections = connections;
    this.directory = directory;
    this.mailbox = mailbox;
  }

  @Override
  public String id() {
    return id;
  }

  public WorkingDirectory directory() {
    return directory;
  }

  public Mailbox mailbox() {
    return mailbox;
  }

  // ---------------------------------------------------------------- installation

  /** Creates the replication schema (queues, marks, audit) where it is missing; running it again changes nothing. */
  public static void install(Connection connection) throws SQLException {
    String sql;
    try (var in = ReferenceWorkstation.class.getResourceAsStream("/repair/reference/V1__replication.sql")) {
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
      statement.execute("INSERT INTO replication.schema_version (version) VALUES (1) ON CONFLICT DO NOTHING");
    }
  }

  /** Makes a table replicate: registered with its key column, its changes audited by a trigger. */
  public static void replicate(Connection connection, String table, String keyColumn) throws SQLException {
    if (!table.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*") || !keyColumn.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("replicated tables are schema.table in lower case with a lower-case key column");
    }
    try (PreparedStatement register = connection.prepareStatement(
        "INSERT INTO replication.tables (table_name, key_column) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET key_column = EXCLUDED.key_column")) {
      register.setString(1, table);
      register.setString(2, keyColumn);
      register.executeUpdate();
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TRIGGER IF EXISTS replication_audit ON " + table);
      statement.execute("CREATE TRIGGER replication_audit AFTER INSERT OR UPDATE OR DELETE ON " + table
          + " FOR EACH ROW EXECUTE FUNCTION replication.audit_change('" + keyColumn + "')");
    }
  }

  // ---------------------------------------------------------------- the normal cycle

  /** One turn of normal replication: package local changes, send, receive, apply. Refused while a repair is marked. */
  public void cycle() {
    packageAudit();
    send();
    receive();
    applyIncoming();
  }

  private void refuseWhileRepairing() {
    if (directory.repairMark().isPresent()) {
      throw new IllegalStateException("workstation " + id + " is being repaired (" + directory.root().resolve(WorkingDirectory.REPAIR_MARK)
          + "): replication waits until the repair removes its mark");
    }
  }

  /** Local changes → QueOut: the audit rows become one replica, written to the working directory and QueOut together. */
  public long packageAudit() {
    refuseWhileRepairing();
    return inTransaction(connection -> {
      long packaged = mark(connection, AUDIT_AGE_PACKAGED, true);
      List<Replica.Change> changes = new ArrayList<>();
      long age = packaged;
      try (PreparedStatement audit = connection.prepareStatement(
          "SELECT age, table_name, op, key, row_data::text FROM replication.audit WHERE age > ? ORDER BY age")) {
        audit.setLong(1, packaged);
        try (ResultSet rows = audit.executeQuery()) {
          while (rows.next()) {
            age = rows.getLong(1);
            changes.add(rows.getString(3).equals("D") ? Replica.Change.delete(rows.getString(2), rows.getLong(4))
                : Replica.Change.upsert(rows.getString(2), rows.getLong(4), (ObjectNode) JSON.readTree(rows.getString(5))));
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (changes.isEmpty()) {
        return 0L;
      }
      long number = queryLong(connection, "SELECT coalesce(max(no), 0) + 1 FROM replication.que_out");
      byte[] bytes = ReplicaCodec.encode(new Replica(id, number, age, 0, changes));
      // The file first: a crash before the commit leaves a file the next attempt overwrites with the same number.
      directory.write(WorkingDirectory.OUT, number, bytes);
      insertQueOut(connection, number, age, bytes);
      update(connection, "DELETE FROM replication.audit WHERE age <= ?", age);
      setMark(connection, AUDIT_AGE_PACKAGED, age);
      setMark(connection, AUDIT_AGE, Math.max(age, mark(connection, AUDIT_AGE, false)));
      return number;
    });
  }

  /** QueOut → server: every replica after the sent mark, the mark moved with each. */
  public long send() {
    refuseWhileRepairing();
    return withConnection(connection -> {
      long sent = mark(connection, QUE_OUT_SENT, false);
      TreeMap<Long, byte[]> unsent = queOut(connection, sent + 1, Long.MAX_VALUE);
      for (Map.Entry<Long, byte[]> replica : unsent.entrySet()) {
        mailbox.putReplica(Mailbox.RECEIVED, replica.getKey(), replica.getValue());
        mailbox.setFigure(Mailbox.SENT_UP_TO, Math.max(replica.getKey(), mailbox.figure(Mailbox.SENT_UP_TO)));
        setMark(connection, QUE_OUT_SENT, replica.getKey());
      }
      return (long) unsent.size();
    });
  }

  /** Server → QueIn: the common stream after QueIn's last replica, each written to the working directory and QueIn. */
  public long receive() {
    refuseWhileRepairing();
    return withConnection(connection -> {
      long last = queryLong(connection, "SELECT coalesce(max(no), 0) FROM replication.que_in");
      long received = 0;
      for (Map.Entry<Long, String> entry : mailbox.replicas(Mailbox.STREAM).tailMap(last, false).entrySet()) {
        if (entry.getKey() != last + 1) {
          // Stored past a hole, the stream would be applied past it: the server is asked for the hole instead.
          mailbox.request(new Gap(Gap.QUE_IN, last + 1, entry.getKey() - 1));
          break;
        }
        byte[] bytes = mailbox.replica(Mailbox.STREAM, entry.getKey()).orElseThrow();
        storeQueIn(connection, entry.getKey(), bytes, "server " + entry.getValue());
        received++;
        last = entry.getKey();
      }
      if (received > 0) {
        mailbox.setFigure(Mailbox.READ_UP_TO, Math.max(last, mailbox.figure(Mailbox.READ_UP_TO)));
      }
      return received;
    });
  }

  /**
   * QueIn → tables: each replica after the applied mark, in one transaction with the mark. Our own replicas
   * are already in our tables: the normal cycle only moves the mark past them.
   */
  public long applyIncoming() {
    refuseWhileRepairing();
    return applyQueIn(false, () -> false);
  }

  // ---------------------------------------------------------------- readings and the repair

  @Override
  public WorkstationReadings read() {
    return withConnection(connection -> new WorkstationReadings(
        queryLong(connection, "SELECT coalesce(max(no), 0) FROM replication.que_in"),
        mark(connection, QUE_IN_APPLIED, false),
        queryLong(connection, "SELECT coalesce(max(author_no), 0) FROM replication.que_in WHERE author = ?", id),
        queryLong(connection, "SELECT coalesce(max(no), 0) FROM replication.que_out"),
        queryLong(connection, "SELECT coalesce((SELECT age FROM replication.que_out ORDER BY no DESC LIMIT 1), 0)"),
        mark(connection, QUE_OUT_SENT, false),
        mark(connection, AUDIT_AGE, false),
        mark(connection, AUDIT_AGE_PACKAGED, false),
        queryLong(connection, "SELECT count(*) FROM replication.audit"),
        directory.present(),
        directory.last(WorkingDirectory.IN),
        directory.last(WorkingDirectory.OUT),
        directory.repairMark().isPresent(),
        mailbox.figure(Mailbox.READ_UP_TO),
        mailbox.figure(Mailbox.SENT_UP_TO),
        last(mailbox.replicas(Mailbox.STREAM)),
        last(mailbox.replicas(Mailbox.RECEIVED)),
        missingInside(connection, "que_in"),
        firstMissingInside(connection, "que_in"),
        missingInside(connection, "que_out"),
        firstMissingInside(connection, "que_out")));
  }

  private static long last(TreeMap<Long, String> replicas) {
    return replicas.isEmpty() ? 0 : replicas.lastKey();
  }

  /** How many numbers a queue lacks between its first and its last replica. */
  private static long missingInside(Connection connection, String queue) throws SQLException {
    return queryLong(connection, "SELECT coalesce(max(no) - min(no) + 1 - count(*), 0) FROM replication." + queue);
  }

  /** The first number a queue lacks between its first and its last replica; 0 when it lacks none. */
  private static long firstMissingInside(Connection connection, String queue) throws SQLException {
    return queryLong(connection, "SELECT coalesce(min(q.no) + 1, 0) FROM replication." + queue + " q WHERE q.no < (SELECT max(no) FROM replication."
        + queue + ") AND NOT EXISTS (SELECT 1 FROM replication." + queue + " n WHERE n.no = q.no + 1)");
  }

  @Override
  public void markRepairStarted(String runId) {
    if (directory.repairMark().isEmpty()) {
      directory.setRepairMark("{\"run\":\"" + runId + "\",\"at\":\"" + Instant.now() + "\"}\n");
    }
  }

  @Override
  public void removeRepairMark() {
    directory.removeRepairMark();
  }

  @Override
  public String restoreQueuesFromDirectory() {
    return withConnection(connection -> {
      long in = 0;
      for (Map.Entry<Long, Path> file : directory.replicas(WorkingDirectory.IN).entrySet()) {
        if (storeQueIn(connection, file.getKey(), read(file.getValue()), file.getValue().toString())) {
          in++;
        }
      }
      long out = 0;
      for (Map.Entry<Long, Path> file : directory.replicas(WorkingDirectory.OUT).entrySet()) {
        if (storeQueOut(connection, file.getKey(), read(file.getValue()), file.getValue().toString())) {
          out++;
        }
      }
      // The other way too: a lost or older working directory gets the replicas the database holds.
      long written = 0;
      for (String[] queue : new String[][] {{"que_in", WorkingDirectory.IN}, {"que_out", WorkingDirectory.OUT}}) {
        try (PreparedStatement all = connection.prepareStatement("SELECT no, payload FROM replication." + queue[0] + " ORDER BY no");
            ResultSet rows = all.executeQuery()) {
          while (rows.next()) {
            if (!directory.has(queue[1], rows.getLong(1))) {
              directory.write(queue[1], rows.getLong(1), rows.getBytes(2));
              written++;
            }
          }
        }
      }
      String gaps = String.join(", ", gaps(connection).stream().map(Gap::toString).toList());
      return "restored " + in + " QueIn and " + out + " QueOut replicas from " + directory.root() + "; wrote " + written
          + " replica files the working directory lacked" + (gaps.isEmpty() ? "" : "; still missing inside the queues: " + gaps
          + " (taken from the server next)");
    });
  }

  /** The numbers each queue lacks between its first and its last replica. */
  private static List<Gap> gaps(Connection connection) throws SQLException {
    List<Gap> gaps = new ArrayList<>();
    TreeSet<Long> in = numbers(connection, "que_in");
    if (!in.isEmpty()) {
      gaps.addAll(RepairRules.gaps(Gap.QUE_IN, in.first(), in.last(), in));
    }
    TreeSet<Long> out = numbers(connection, "que_out");
    if (!out.isEmpty()) {
      gaps.addAll(RepairRules.gaps(Gap.QUE_OUT, out.first(), out.last(), out));
    }
    return gaps;
  }

  @Override
  public List<Gap> fetchFromServer(long queInUpTo, long queOutUpTo) {
    // What each queue lacks from its first replica up to the server's figure (or its own end, if further): holes
    // inside a queue as well as its tail, since applying stops at the first hole.
    return withConnection(connection -> {
      List<Gap> missing = new ArrayList<>();
      for (Gap gap : lacking(connection, "que_in", Gap.QUE_IN, queInUpTo)) {
        for (long n = gap.from(); n <= gap.to(); n++) {
          final long number = n;
          Optional<byte[]> replica = mailbox.replica(Mailbox.STREAM, number).or(() -> mailboxReplica(Mailbox.ANSWERS_IN, number));
          if (replica.isPresent()) {
            storeQueIn(connection, number, replica.get(), "server");
          }
        }
      }
      missing.addAll(lacking(connection, "que_in", Gap.QUE_IN, queInUpTo));
      for (Gap gap : lacking(connection, "que_out", Gap.QUE_OUT, queOutUpTo)) {
        for (long n = gap.from(); n <= gap.to(); n++) {
          final long number = n;
          Optional<byte[]> replica = mailbox.replica(Mailbox.RECEIVED, number).or(() -> mailboxReplica(Mailbox.ANSWERS_OUT, number));
          if (replica.isPresent()) {
            storeQueOut(connection, number, replica.get(), "server");
          }
        }
      }
      missing.addAll(lacking(connection, "que_out", Gap.QUE_OUT, queOutUpTo));
      return missing;
    });
  }

  private static List<Gap> lacking(Connection connection, String table, String queue, long upTo) throws SQLException {
    TreeSet<Long> present = numbers(connection, table);
    long first = present.isEmpty() ? 1 : present.first();
    long last = present.isEmpty() ? 0 : present.last();
    return RepairRules.gaps(queue, first, Math.max(upTo, last), present);
  }

  private Optional<byte[]> mailboxReplica(String folder, long number) {
    return mailbox.replica(folder, number);
  }

  @Override
  public List<Gap> fetchOwnReplicas(long ownUpTo) {
    return withConnection(connection -> {
      while (true) {
        long own = queryLong(connection, "SELECT coalesce(max(author_no), 0) FROM replication.que_in WHERE author = ?", id);
        if (own >= ownUpTo) {
          return List.<Gap>of();
        }
        long next = queryLong(connection, "SELECT coalesce(max(no), 0) + 1 FROM replication.que_in");
        Optional<byte[]> replica = mailbox.replica(Mailbox.STREAM, next).or(() -> mailboxReplica(Mailbox.ANSWERS_IN, next));
        if (replica.isEmpty()) {
          return List.of(new Gap(Gap.QUE_IN, next, Long.MAX_VALUE));
        }
        storeQueIn(connection, next, replica.get(), "server");
      }
    });
  }

  @Override
  public void requestRetransmission(List<Gap> gaps) {
    gaps.forEach(mailbox::request);
  }

  @Override
  public long applyQueIn(BooleanSupplier stopping) {
    return applyQueIn(true, stopping);
  }

  private long applyQueIn(boolean own, BooleanSupplier stopping) {
    // One connection for the whole queue, a transaction per batch of replicas with the mark moved to the batch's
    // last: a crash or a retry goes on from the mark and applies nothing twice, and no commit waits per replica.
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      long applied = 0;
      while (!stopping.getAsBoolean()) {
        Batch batch = applyBatch(connection, own, stopping, Long.MAX_VALUE);
        applied += batch.applied();
        if (batch.gap() != null) {
          throw new IllegalStateException("workstation " + id + ": QueIn lacks " + batch.gap() + " after the replicas applied so far ("
              + applied + " this time): applying stops before the gap, since the stream past it would be applied out of order;"
              + " take the missing replicas from the server, then retry");
        }
        if (batch.empty()) {
          return applied;
        }
      }
      return applied;
    } catch (SQLException e) {
      throw new IllegalStateException("workstation " + id + ": " + e.getMessage(), e);
    }
  }

  /** @param gap the replicas missing where the batch stopped before a hole in QueIn, or null */
  private record Batch(long applied, boolean empty, Gap gap) {}

  /** Applies the replicas after the applied mark and before {@code before}, as many as one batch takes, and commits them with the mark. */
  private Batch applyBatch(Connection connection, boolean own, BooleanSupplier stopping, long before) throws SQLException {
    long mark = 0;
    long last = 0;
    long current = 0;
    Gap gap = null;
    try (Applier applier = new Applier(connection)) {
      // The mark is read under its lock: a second applier (a job taken over after a crash) waits, then goes on after it.
      mark = mark(connection, QUE_IN_APPLIED, true);
      last = mark;
      long ran = 0;
      long changes = 0;
      long began = System.nanoTime();
      try (PreparedStatement entries = connection.prepareStatement(
          "SELECT no, author, payload FROM replication.que_in WHERE no > ? AND no < ? ORDER BY no LIMIT " + APPLY_BATCH_REPLICAS)) {
        entries.setLong(1, mark);
        entries.setLong(2, before);
        try (ResultSet rows = entries.executeQuery()) {
          while (rows.next()) {
            if (rows.getLong(1) != last + 1) {
              gap = new Gap(Gap.QUE_IN, last + 1, rows.getLong(1) - 1);
              break;
            }
            current = rows.getLong(1);
            Replica replica = ReplicaCodec.decode(rows.getBytes(3), "QueIn " + current);
            if (own || !rows.getString(2).equals(id)) {
              applier.apply(replica);
              ran++;
            }
            last = current;
            changes += replica.changes().size();
            // A batch ends early when it grew large or long, or the application stops: what it applied commits with the mark.
            if (changes >= APPLY_BATCH_CHANGES || System.nanoTime() - began >= APPLY_BATCH_NANOS || stopping.getAsBoolean()) {
              break;
            }
          }
        }
      }
      applier.finish();
      if (last > mark) {
        setMark(connection, QUE_IN_APPLIED, last);
      }
      connection.commit();
      return new Batch(ran, last == mark, gap);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      if (last > mark) {
        // The replicas before the failing one commit with their mark, as they would one at a time: the failure
        // leaves QueIn applied up to just before the replica that failed.
        try {
          applyBatch(connection, own, () -> false, current);
        } catch (SQLException | RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
  }

  @Override
  public long applyUnsentQueOut(long serverSentUpTo) {
    // The unsent tail is short (what was packaged since the last send): one connection, a transaction per
    // replica with its mark, so a retry goes on after the last one applied.
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      long applied = 0;
      while (true) {
        try {
          long done = mark(connection, REPAIR_QUE_OUT_APPLIED, true);
          long first = RepairRules.firstUnsent(serverSentUpTo, done);
          Long next = queryNullableLong(connection, "SELECT min(no) FROM replication.que_out WHERE no >= ?", first);
          if (next == null) {
            connection.commit();
            return applied;
          }
          if (next != first) {
            throw new IllegalStateException("workstation " + id + ": QueOut lacks " + new Gap(Gap.QUE_OUT, first, next - 1) + " after "
                + applied + " unsent replicas applied: applying stops before the gap; take the missing replicas from the working"
                + " directory or the server, then retry");
          }
          try (PreparedStatement entry = connection.prepareStatement("SELECT payload FROM replication.que_out WHERE no = ?")) {
            entry.setLong(1, next);
            try (ResultSet row = entry.executeQuery(); Applier applier = new Applier(connection)) {
              row.next();
              applier.apply(ReplicaCodec.decode(row.getBytes(1), "QueOut " + next));
              applier.finish();
            }
          }
          setMark(connection, REPAIR_QUE_OUT_APPLIED, next);
          connection.commit();
          applied++;
        } catch (SQLException | RuntimeException e) {
          connection.rollback();
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("workstation " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> repairGenerators() {
    return inTransaction(connection -> {
      List<String> moved = new ArrayList<>();
      for (Map.Entry<String, String> table : tables(connection).entrySet()) {
        String sequence = queryString(connection, "SELECT pg_get_serial_sequence(?, ?)", table.getKey(), table.getValue());
        if (sequence == null) {
          continue;
        }
        try (PreparedStatement definition = connection.prepareStatement(
            "SELECT s.seqstart, s.seqincrement FROM pg_sequence s WHERE s.seqrelid = ?::regclass")) {
          definition.setString(1, sequence);
          try (ResultSet row = definition.executeQuery()) {
            row.next();
            long start = row.getLong(1);
            long increment = row.getLong(2);
            Long highest = queryNullableLong(connection, "SELECT max(" + quote(table.getValue()) + ") FROM " + table.getKey() + " WHERE "
                + quote(table.getValue()) + " >= ? AND mod(" + quote(table.getValue()) + " - ?, ?) = 0", start, start, increment);
            if (highest == null) {
              continue;
            }
            long lastValue;
            boolean called;
            try (Statement state = connection.createStatement(); ResultSet current = state.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
              current.next();
              lastValue = current.getLong(1);
              called = current.getBoolean(2);
            }
            OptionalLong value = RepairRules.generatorValue(lastValue, called, increment, highest);
            if (value.isPresent()) {
              queryString(connection, "SELECT setval(?::regclass, ?, true)::text", sequence, value.getAsLong());
              moved.add(sequence + ": " + lastValue + " -> " + value.getAsLong() + " (highest own key of " + table.getKey() + ")");
            }
          }
        }
      }
      return moved;
    });
  }

  @Override
  public String repairMarks(long serverSentUpTo) {
    String moved = inTransaction(connection -> {
      long queOutLast = queryLong(connection, "SELECT coalesce(max(no), 0) FROM replication.que_out");
      long queOutLastAge = queryLong(connection, "SELECT coalesce((SELECT age FROM replication.que_out ORDER BY no DESC LIMIT 1), 0)");
      long sent = mark(connection, QUE_OUT_SENT, true);
      long newSent = RepairRules.sentMark(serverSentUpTo, queOutLast);
      long packaged = mark(connection, AUDIT_AGE_PACKAGED, true);
      long newPackaged = RepairRules.auditPackaged(packaged, queOutLastAge);
      // Audit rows up to the packaged age are in QueOut replicas already: packaged again they would be duplicates.
      long dropped = update(connection, "DELETE FROM replication.audit WHERE age <= ?", newPackaged);
      long highestRow = queryLong(connection, "SELECT coalesce(max(age), 0) FROM replication.audit");
      long age = mark(connection, AUDIT_AGE, true);
      long newAge = RepairRules.auditAge(age, newPackaged, highestRow);
      setMark(connection, QUE_OUT_SENT, newSent);
      setMark(connection, AUDIT_AGE_PACKAGED, newPackaged);
      setMark(connection, AUDIT_AGE, newAge);
      // New audit rows must get ages past every packaged one.
      queryString(connection, "SELECT setval('replication.audit_age_seq', greatest(?, (SELECT last_value FROM replication.audit_age_seq)), true)::text",
          Math.max(newAge, 1));
      return "sent up to " + sent + " -> " + newSent + " (what the server received; QueOut ends at " + queOutLast + ")" + "; audit packaged up to " + packaged + " -> " + newPackaged + " (" + dropped
          + " audit rows already packaged dropped); audit age " + age + " -> " + newAge;
    });
    long queInLast = withConnection(connection -> queryLong(connection, "SELECT coalesce(max(no), 0) FROM replication.que_in"));
    if (queInLast > mailbox.figure(Mailbox.READ_UP_TO)) {
      mailbox.setFigure(Mailbox.READ_UP_TO, queInLast);
    }
    return moved;
  }

  // ---------------------------------------------------------------- queues

  /** Stores a common-stream replica in QueIn and the working directory; false when QueIn already held it. */
  private boolean storeQueIn(Connection connection, long number, byte[] bytes, String source) throws SQLException {
    Replica replica = ReplicaCodec.decode(bytes, source);
    if (replica.streamNo() != number) {
      throw new CorruptReplicaException(source + " holds stream replica " + replica.streamNo() + ", not " + number);
    }
    if (!directory.has(WorkingDirectory.IN, number)) {
      directory.write(WorkingDirectory.IN, number, bytes);
    }
    return update(connection,
        "INSERT INTO replication.que_in (no, author, author_no, age, payload) VALUES (?, ?, ?, ?, ?) ON CONFLICT (no) DO NOTHING",
        number, replica.author(), replica.authorNo(), replica.age(), bytes) == 1;
  }

  private boolean storeQueOut(Connection connection, long number, byte[] bytes, String source) throws SQLException {
    Replica replica = ReplicaCodec.decode(bytes, source);
    if (replica.authorNo() != number || !replica.author().equals(id)) {
      throw new CorruptReplicaException(source + " is replica " + replica.authorNo() + " of " + replica.author() + ", not QueOut " + number + " of " + id);
    }
    if (!directory.has(WorkingDirectory.OUT, number)) {
      directory.write(WorkingDirectory.OUT, number, bytes);
    }
    return insertQueOut(connection, number, replica.age(), bytes) == 1;
  }

  private static int insertQueOut(Connection connection, long number, long age, byte[] bytes) throws SQLException {
    return update(connection, "INSERT INTO replication.que_out (no, age, payload) VALUES (?, ?, ?) ON CONFLICT (no) DO NOTHING", number, age, bytes);
  }

  private static TreeMap<Long, byte[]> queOut(Connection connection, long from, long to) throws SQLException {
    TreeMap<Long, byte[]> replicas = new TreeMap<>();
    try (PreparedStatement query = connection.prepareStatement("SELECT no, payload FROM replication.que_out WHERE no BETWEEN ? AND ? ORDER BY no")) {
      query.setLong(1, from);
      query.setLong(2, to);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          replicas.put(rows.getLong(1), rows.getBytes(2));
        }
      }
    }
    return replicas;
  }

  private static TreeSet<Long> numbers(Connection connection, String queue) throws SQLException {
    TreeSet<Long> numbers = new TreeSet<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT no FROM replication." + queue)) {
      while (rows.next()) {
        numbers.add(rows.getLong(1));
      }
    }
    return numbers;
  }

  // ---------------------------------------------------------------- applying

  /**
   * Applies replicas in one transaction: upserts and deletes by key, audit off (what arrives from elsewhere is
   * not a local change). A statement is prepared once per table and kind of change, and consecutive changes of
   * the same statement go to the server as one batch, in order; {@link #finish} sends the rest.
   */
  private final class Applier implements AutoCloseable {

    private final Connection connection;
    private final Map<String, String> tables;
    private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();
    private PreparedStatement pending;
    private boolean applying;

    Applier(Connection connection) throws SQLException {
      this.connection = connection;
      this.tables = tables(connection);
    }

    void apply(Replica replica) throws SQLException {
      if (!applying) {
        update(connection, "SELECT set_config('replication.applying', 'on', true)");
        applying = true;
      }
      for (Replica.Change change : replica.changes()) {
        String key = tables.get(change.table());
        if (key == null) {
          throw new IllegalStateException("replica " + replica.author() + "/" + replica.authorNo() + " changes " + change.table()
              + ", which does not replicate here");
        }
        PreparedStatement statement = statement(change.table(), key, change.op());
        if (statement != pending && pending != null) {
          pending.executeBatch();
        }
        pending = statement;
        if (change.op() == 'D') {
          statement.setLong(1, change.key());
        } else {
          statement.setString(1, change.row().toString());
        }
        statement.addBatch();
      }
      // Sent with each replica, so that a batch's length in time is what the server took, and a failure names its replica.
      if (pending != null) {
        pending.executeBatch();
        pending = null;
      }
    }

    void finish() throws SQLException {
      if (pending != null) {
        pending.executeBatch();
        pending = null;
      }
      if (applying) {
        update(connection, "SELECT set_config('replication.applying', 'off', true)");
        applying = false;
      }
    }

    private PreparedStatement statement(String table, String key, char op) throws SQLException {
      String name = op + table;
      PreparedStatement statement = statements.get(name);
      if (statement == null) {
        statement = connection.prepareStatement(op == 'D' ? "DELETE FROM " + table + " WHERE " + quote(key) + " = ?" : upsert(table, key));
        statements.put(name, statement);
      }
      return statement;
    }

    private String upsert(String table, String key) throws SQLException {
      StringBuilder set = new StringBuilder();
      for (String column : columns(connection, table)) {
        if (!column.equals(key)) {
          set.append(set.isEmpty() ? "" : ", ").append(quote(column)).append(" = EXCLUDED.").append(quote(column));
        }
      }
      return "INSERT INTO " + table + " SELECT * FROM jsonb_populate_record(NULL::" + table + ", ?::jsonb)"
          + " ON CONFLICT (" + quote(key) + ") DO " + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement statement : statements.values()) {
        statement.close();
      }
    }
  }

  private final Map<String, List<String>> columns = new java.util.concurrent.ConcurrentHashMap<>();

  private List<String> columns(Connection connection, String table) throws SQLException {
    List<String> known = columns.get(table);
    if (known != null) {
      return known;
    }
    String[] parts = table.split("\\.");
    List<String> names = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      query.setString(1, parts[0]);
      query.setString(2, parts[1]);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
    }
    columns.put(table, List.copyOf(names));
    return names;
  }

  private static Map<String, String> tables(Connection connection) throws SQLException {
    Map<String, String> tables = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT table_name, key_column FROM replication.tables ORDER BY table_name")) {
      while (rows.next()) {
        tables.put(rows.getString(1), rows.getString(2));
      }
    }
    return tables;
  }

  // ---------------------------------------------------------------- marks and JDBC

  private static long mark(Connection connection, String name, boolean lock) throws SQLException {
    return queryLong(connection, "SELECT value FROM replication.marks WHERE name = ?" + (lock ? " FOR UPDATE" : ""), name);
  }

  private static void setMark(Connection connection, String name, long value) throws SQLException {
    update(connection, "UPDATE replication.marks SET value = ? WHERE name = ?", value, name);
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + " failed", e);
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private <T> T withConnection(Work<T> work) {
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(true);
      return work.run(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("workstation " + id + ": " + e.getMessage(), e);
    }
  }

  private <T> T inTransaction(Work<T> work) {
    try (Connection connection = connections.open()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("workstation " + id + ": " + e.getMessage(), e);
    }
  }

  private static int update(Connection connection, String sql, Object... binds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < binds.length; i++) {
        statement.setObject(i + 1, binds[i]);
      }
      if (statement.execute()) {
        return 0;
      }
      return statement.getUpdateCount();
    }
  }

  private static long queryLong(Connection connection, String sql, Object... binds) throws SQLException {
    Long value = queryNullableLong(connection, sql, binds);
    if (value == null) {
      throw new SQLException("no number from " + sql);
    }
    return value;
  }

  private static Long queryNullableLong(Connection connection, String sql, Object... binds) throws SQLException {
    String text = queryString(connection, sql, binds);
    return text == null ? null : Long.parseLong(text);
  }

  private static String queryString(Connection connection, String sql, Object... binds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < binds.length; i++) {
        statement.setObject(i + 1, binds[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }
}
