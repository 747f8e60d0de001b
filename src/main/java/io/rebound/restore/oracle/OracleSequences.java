package io.rebound.restore.oracle;

import static io.rebound.target.Identifiers.quote;

import io.rebound.restore.SequenceResync;
import io.rebound.restore.oracle.SequenceCalls.Name;
import io.rebound.runbook.StepLog;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every sequence that feeds a column of the restored schema, and its resynchronisation, on Oracle 12c and
 * later. A sequence feeds a column as its identity (DBA_TAB_IDENTITY_COLS), through the column's DEFAULT
 * {@code seq.NEXTVAL} (12c; read from DBA_TAB_COLUMNS.DATA_DEFAULT), through a trigger that puts
 * {@code seq.NEXTVAL} into it (read from DBA_TRIGGERS.TRIGGER_BODY), because the profile says so, or, failing
 * all of those, by the {@code <TABLE>_SEQ} naming habit. Names are resolved as Oracle does: the object's owner,
 * then a private synonym, then a public one.
 *
 * <p>A sequence is moved only forward, to past the highest value of every column it feeds, and only when the
 * restored schema owns it; one of another schema may be shared with schemas this run was not approved to
 * touch, and is reported with its state instead. An identity column is moved with {@code ALTER TABLE ... MODIFY
 * ... GENERATED ... AS IDENTITY (START WITH LIMIT VALUE)}, re-declaring exactly the generation it had
 * (ALWAYS, BY DEFAULT, BY DEFAULT ON NULL, and on 23ai ON NULL FOR INSERT AND UPDATE), and only when it is
 * behind, since START WITH LIMIT VALUE would also move a sequence that is ahead back to the column's maximum.
 */
final class OracleSequences {

  /** Column types whose highest value a sequence must pass. */
  private static final Set<String> NUMERIC = Set.of("NUMBER", "FLOAT", "INTEGER");

  /** Columns with a default, identity columns left out. Binds: owner. Rows: table, column, default (a LONG, read last). */
  static final String COLUMN_DEFAULTS = """
      SELECT c.table_name, c.column_name, c.data_default
        FROM dba_tab_columns c
        JOIN dba_tables t ON t.owner = c.owner AND t.table_name = c.table_name
       WHERE c.owner = ? AND c.default_length > 0 AND c.identity_column = 'NO' AND c.data_type IN ('NUMBER', 'FLOAT')
       ORDER BY c.table_name, c.column_id""";

  /** Triggers on the owner's tables, whoever owns them. Binds: owner. Rows: owner, trigger, table owner, table, REFERENCING, body (a LONG, read last). */
  static final String TRIGGERS = """
      SELECT owner, trigger_name, table_owner, table_name, referencing_names, trigger_body
        FROM dba_triggers
       WHERE table_owner = ? AND base_object_type = 'TABLE'
       ORDER BY owner, trigger_name""";

  /**
   * The sequence a name in an object of an owner means: the owner's own sequence, else its private synonym,
   * else (unqualified names only) a public synonym. Binds: owner, name, name, owner, 1 when qualified else 0.
   */
  static final String RESOLVE = """
      SELECT sequence_owner, sequence_name FROM (
        SELECT sequence_owner, sequence_name, 1 AS preference FROM dba_sequences WHERE sequence_owner = ? AND sequence_name = ?
        UNION ALL
        SELECT q.sequence_owner, q.sequence_name, CASE s.owner WHEN 'PUBLIC' THEN 3 ELSE 2 END
          FROM dba_synonyms s JOIN dba_sequences q ON q.sequence_owner = s.table_owner AND q.sequence_name = s.table_name
         WHERE s.db_link IS NULL AND s.synonym_name = ? AND (s.owner = ? OR (s.owner = 'PUBLIC' AND ? = 0))
      ) ORDER BY preference FETCH FIRST 1 ROW ONLY""";

  static final String COLUMN_TYPE = "SELECT data_type FROM dba_tab_columns WHERE owner = ? AND table_name = ? AND column_name = ?";

  /** The next value as far as the dictionary knows (without using one) and the increment. Binds: owner, sequence. */
  static final String SEQUENCE_STATE = "SELECT last_number, increment_by FROM dba_sequences WHERE sequence_owner = ? AND sequence_name = ?";

  /** Whether the dictionary knows ON NULL FOR INSERT AND UPDATE (23ai). */
  static final String KNOWS_DEFAULT_ON_NULL_UPDATE =
      "SELECT COUNT(*) FROM dba_tab_columns WHERE owner = 'SYS' AND table_name = 'DBA_TAB_COLUMNS' AND column_name = 'DEFAULT_ON_NULL_UPD'";

  /**
   * Sequences that feed a table's key, found by name: {@code <TABLE>_SEQ} for a table whose primary key
   * is one numeric column. Rows: sequence, table, column. Binds: owner.
   */
  static final String SEQUENCES_BY_NAME = """
      SELECT s.sequence_name, c.table_name, cc.column_name
        FROM dba_sequences s
        JOIN dba_constraints c ON c.owner = s.sequence_owner AND c.constraint_type = 'P'
         AND s.sequence_name IN (c.table_name || '_SEQ', c.table_name || '_ID_SEQ')
        JOIN dba_cons_columns cc ON cc.owner = c.owner AND cc.constraint_name = c.constraint_name
        JOIN dba_tab_columns tc ON tc.owner = c.owner AND tc.table_name = c.table_name AND tc.column_name = cc.column_name
       WHERE s.sequence_owner = ? AND s.increment_by > 0 AND tc.data_type IN ('NUMBER', 'INTEGER')
         AND (SELECT COUNT(*) FROM dba_cons_columns x WHERE x.owner = c.owner AND x.constraint_name = c.constraint_name) = 1
       ORDER BY s.sequence_name""";

  /** Identity columns (12c) with how they generate. Binds: owner. Rows: table, column, sequence, generation type, ON NULL, ON NULL for updates. */
  static String identityColumns(boolean knowsOnNullUpdate) {
    return "SELECT i.table_name, i.column_name, i.sequence_name, i.generation_type, c.default_on_null, "
        + (knowsOnNullUpdate ? "c.default_on_null_upd" : "'NO'")
        + " FROM dba_tab_identity_cols i JOIN dba_tab_columns c ON c.owner = i.owner AND c.table_name = i.table_name"
        + " AND c.column_name = i.column_name WHERE i.owner = ? ORDER BY i.table_name, i.column_name";
  }

  /** A column a sequence feeds, and how. */
  record Feed(String owner, String table, String column, String how) {
    String describe() {
      return owner + "." + table + "." + column + " (" + how + ")";
    }

    boolean sameColumn(Feed other) {
      return owner.equals(other.owner) && table.equals(other.table) && column.equals(other.column);
    }
  }

  private OracleSequences() {}

  /** Finds, moves and reports every sequence feeding the owner's columns; {@code mapped} is the profile's sequence to TABLE.COLUMN. */
  static List<SequenceResync> resync(Connection connection, String owner, Map<String, String> mapped, StepLog log) throws SQLException {
    Map<Name, List<Feed>> feeding = new LinkedHashMap<>();
    Map<Name, List<String>> unplaced = new LinkedHashMap<>();
    // Rows read whole before anything else runs on the connection: a LONG is streamed with its row.
    List<String[]> defaults = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(COLUMN_DEFAULTS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          defaults.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3)});
        }
      }
    }
    for (String[] column : defaults) {
      for (Name call : SequenceCalls.nextvalCalls(column[2] == null ? "" : column[2])) {
        Name sequence = resolve(connection, owner, call);
        if (sequence != null) {
          add(feeding, sequence, new Feed(owner, column[0], column[1], "default"));
        }
      }
    }
    List<String[]> triggers = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(TRIGGERS)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          triggers.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
              rows.getString(6)});
        }
      }
    }
    for (String[] trigger : triggers) {
      String body = trigger[5] == null ? "" : trigger[5];
      String described = "trigger " + trigger[0] + "." + trigger[1];
      for (SequenceCalls.Use use : SequenceCalls.triggerUses(body, SequenceCalls.newAlias(trigger[4]))) {
        Name sequence = resolve(connection, trigger[0], use.sequence());
        if (sequence == null) {
          continue;
        }
        String tableOwner = use.table() == null ? trigger[2] : use.table().owner() == null ? trigger[0] : use.table().owner();
        String table = use.table() == null ? trigger[3] : use.table().name();
        if (use.column() == null) {
          unplaced.computeIfAbsent(sequence, s -> new ArrayList<>()).add(described + " on " + trigger[2] + "." + trigger[3]);
        } else if (numeric(connection, tableOwner, table, use.column())) {
          add(feeding, sequence, new Feed(tableOwner, table, use.column(), described));
        }
      }
    }
    try (PreparedStatement statement = connection.prepareStatement(SEQUENCES_BY_NAME)) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Name sequence = new Name(owner, rows.getString(1));
          if (!feeding.containsKey(sequence) && !unplaced.containsKey(sequence)) {
            add(feeding, sequence, new Feed(owner, rows.getString(2), rows.getString(3), "name"));
          }
        }
      }
    }
    mapped.forEach((sequence, column) -> {
      String[] parts = column.split("\\.");
      add(feeding, new Name(owner, sequence), new Feed(owner, parts[0], parts[1], "profile"));
    });

    List<SequenceResync> results = new ArrayList<>();
    for (Map.Entry<Name, List<Feed>> entry : feeding.entrySet()) {
      results.add(resyncSequence(connection, owner, entry.getKey(), entry.getValue(), log));
    }
    for (Map.Entry<Name, List<String>> entry : unplaced.entrySet()) {
      if (!feeding.containsKey(entry.getKey())) {
        results.add(new SequenceResync(entry.getKey().toString(), entry.getValue(), null, null, null, SequenceResync.Outcome.NOT_MOVED,
            "called by a trigger that does not tell which column it fills: name that column in the profile's sequences"));
      }
    }
    results.addAll(resyncIdentities(connection, owner, log));
    return results;
  }

  private static void add(Map<Name, List<Feed>> feeding, Name sequence, Feed feed) {
    List<Feed> feeds = feeding.computeIfAbsent(sequence, s -> new ArrayList<>());
    if (feeds.stream().noneMatch(feed::sameColumn)) {
      feeds.add(feed);
    }
  }

  private static Name resolve(Connection connection, String objectOwner, Name call) throws SQLException {
    String owner = call.owner() == null ? objectOwner : call.owner();
    try (PreparedStatement statement = connection.prepareStatement(RESOLVE)) {
      statement.setString(1, owner);
      statement.setString(2, call.name());
      statement.setString(3, call.name());
      statement.setString(4, owner);
      statement.setInt(5, call.owner() == null ? 0 : 1);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? new Name(rows.getString(1), rows.getString(2)) : null;
      }
    }
  }

  private static boolean numeric(Connection connection, String owner, String table, String column) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(COLUMN_TYPE)) {
      statement.setString(1, owner);
      statement.setString(2, table);
      statement.setString(3, column);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() && NUMERIC.contains(rows.getString(1));
      }
    }
  }

  private static SequenceResync resyncSequence(Connection connection, String owner, Name sequence, List<Feed> feeds, StepLog log)
      throws SQLException {
    List<String> described = feeds.stream().map(Feed::describe).toList();
    if (!sequence.owner().equals(owner)) {
      Long highest = highest(connection, feeds);
      long[] state = state(connection, sequence);
      SequenceResync result = new SequenceResync(sequence.toString(), described, highest, state[0], state[0], SequenceResync.Outcome.NOT_MOVED,
          "owned by " + sequence.owner() + ", outside the restored schema and possibly shared: reported, not moved (next value as the"
              + " dictionary's LAST_NUMBER tells)");
      log.ran(SEQUENCE_STATE + "  -- binds: " + sequence.owner() + ", " + sequence.name(), result.describe());
      return result;
    }
    String block = resyncSequenceBlock(sequence.owner(), sequence.name(), feeds);
    try (CallableStatement call = connection.prepareCall(block)) {
      call.setString(1, sequence.owner());
      call.setString(2, sequence.name());
      call.registerOutParameter(3, Types.NUMERIC);
      call.registerOutParameter(4, Types.NUMERIC);
      call.registerOutParameter(5, Types.NUMERIC);
      call.registerOutParameter(6, Types.NUMERIC);
      call.registerOutParameter(7, Types.NUMERIC);
      call.execute();
      Long highest = whole(call.getBigDecimal(5));
      SequenceResync result;
      if (call.getLong(7) < 0) {
        result = new SequenceResync(sequence.toString(), described, highest, null, null, SequenceResync.Outcome.NOT_MOVED,
            "it counts down (increment " + call.getLong(7) + ")");
      } else {
        result = new SequenceResync(sequence.toString(), described, highest, call.getLong(3), call.getLong(4),
            call.getInt(6) == 1 ? SequenceResync.Outcome.MOVED : SequenceResync.Outcome.ALREADY_PAST, null);
      }
      log.ran(block + "  -- binds: " + sequence.owner() + ", " + sequence.name(), result.describe());
      return result;
    }
  }

  private static List<SequenceResync> resyncIdentities(Connection connection, String owner, StepLog log) throws SQLException {
    boolean knowsOnNullUpdate = queryLong(connection, KNOWS_DEFAULT_ON_NULL_UPDATE) > 0;
    List<String[]> identities = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(identityColumns(knowsOnNullUpdate))) {
      statement.setString(1, owner);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          identities.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
              rows.getString(6)});
        }
      }
    }
    List<SequenceResync> results = new ArrayList<>();
    for (String[] identity : identities) {
      Feed feed = new Feed(owner, identity[0], identity[1], "identity");
      Name sequence = new Name(owner, identity[2]);
      Long highest = highest(connection, List.of(feed));
      long[] before = state(connection, sequence);
      String clause = generationClause(identity[3], identity[4], identity[5]);
      SequenceResync result;
      if (before[1] < 0) {
        result = new SequenceResync(sequence.toString(), List.of(feed.describe()), highest, before[0], before[0],
            SequenceResync.Outcome.NOT_MOVED, "it counts down (increment " + before[1] + ")");
      } else if (highest == null || before[0] > highest) {
        result = new SequenceResync(sequence.toString(), List.of(feed.describe()), highest, before[0], before[0],
            SequenceResync.Outcome.ALREADY_PAST, null);
      } else if (clause == null) {
        result = new SequenceResync(sequence.toString(), List.of(feed.describe()), highest, before[0], before[0],
            SequenceResync.Outcome.NOT_MOVED, "identity generation " + identity[3] + " is not one Rebound can re-declare unchanged");
      } else {
        String sql = resyncIdentity(owner, identity[0], identity[1], clause);
        try (Statement alter = connection.createStatement()) {
          alter.execute(sql);
        }
        long after = state(connection, sequence)[0];
        result = new SequenceResync(sequence.toString(), List.of(feed.describe()), highest, before[0], after, SequenceResync.Outcome.MOVED, null);
        log.ran(sql, result.describe());
        results.add(result);
        continue;
      }
      log.ran(SEQUENCE_STATE + "  -- binds: " + owner + ", " + identity[2], result.describe());
      results.add(result);
    }
    return results;
  }

  /** The highest value of the columns, or null when they hold no rows. */
  private static Long highest(Connection connection, List<Feed> feeds) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(highestQuery(feeds))) {
      rows.next();
      return whole(rows.getBigDecimal(1));
    }
  }

  /** LAST_NUMBER and INCREMENT_BY. */
  private static long[] state(Connection connection, Name sequence) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SEQUENCE_STATE)) {
      statement.setString(1, sequence.owner());
      statement.setString(2, sequence.name());
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("sequence " + sequence + " is not in DBA_SEQUENCES");
        }
        return new long[] {rows.getLong(1), rows.getLong(2)};
      }
    }
  }

  private static long queryLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Long whole(BigDecimal value) {
    return value == null ? null : value.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** {@code SELECT MAX(v)} over every column a sequence feeds. */
  static String highestQuery(List<Feed> feeds) {
    return "SELECT MAX(v) FROM (" + maxima(feeds) + ")";
  }

  private static String maxima(List<Feed> feeds) {
    List<String> maxima = new ArrayList<>();
    for (Feed feed : feeds) {
      maxima.add("SELECT MAX(" + quote(feed.column()) + ") v FROM " + quote(feed.owner()) + "." + quote(feed.table()));
    }
    return String.join(" UNION ALL ", maxima);
  }

  /**
   * Brings a sequence past the highest value of the columns it feeds, on 12c and later (no RESTART): take the
   * next value; only if it is not past the highest, step once by the gap and put the increment back (also
   * when that step fails). Never backwards, and a sequence counting down is left alone.
   * Binds: 1 owner, 2 sequence (in); 3 next value before, 4 next value after, 5 highest, 6 moved 1/0,
   * 7 increment (out).
   */
  static String resyncSequenceBlock(String owner, String sequence, List<Feed> feeds) {
    String qualified = (quote(owner) + "." + quote(sequence)).replace("'", "''");
    return """
        DECLARE
          v_highest   NUMBER;
          v_before    NUMBER;
          v_next      NUMBER;
          v_increment NUMBER;
          v_moved     NUMBER := 0;
        BEGIN
          SELECT MAX(v) INTO v_highest FROM (%1$s);
          SELECT increment_by INTO v_increment FROM dba_sequences WHERE sequence_owner = ? AND sequence_name = ?;
          IF v_increment > 0 THEN
            EXECUTE IMMEDIATE 'SELECT %2$s.NEXTVAL FROM dual' INTO v_before;
            v_next := v_before;
            IF v_highest IS NOT NULL AND v_next <= v_highest THEN
              EXECUTE IMMEDIATE 'ALTER SEQUENCE %2$s INCREMENT BY ' || (v_highest + 1 - v_next);
              BEGIN
                EXECUTE IMMEDIATE 'SELECT %2$s.NEXTVAL FROM dual' INTO v_next;
              EXCEPTION WHEN OTHERS THEN
                EXECUTE IMMEDIATE 'ALTER SEQUENCE %2$s INCREMENT BY ' || v_increment;
                RAISE;
              END;
              EXECUTE IMMEDIATE 'ALTER SEQUENCE %2$s INCREMENT BY ' || v_increment;
              v_moved := 1;
            END IF;
          END IF;
          ? := v_before;
          ? := v_next + v_increment;
          ? := v_highest;
          ? := v_moved;
          ? := v_increment;
        END;""".formatted(maxima(feeds), qualified);
  }

  /**
   * The generation clause an identity column has, to re-declare it unchanged: DBA_TAB_IDENTITY_COLS says
   * ALWAYS or BY DEFAULT, DBA_TAB_COLUMNS.DEFAULT_ON_NULL whether BY DEFAULT is ON NULL, and on 23ai
   * DEFAULT_ON_NULL_UPD whether that holds for updates too. Null for a generation it does not know.
   */
  static String generationClause(String generationType, String defaultOnNull, String defaultOnNullUpdate) {
    if ("ALWAYS".equals(generationType)) {
      return "GENERATED ALWAYS";
    }
    if (!"BY DEFAULT".equals(generationType)) {
      return null;
    }
    if (!"YES".equals(defaultOnNull)) {
      return "GENERATED BY DEFAULT";
    }
    return "YES".equals(defaultOnNullUpdate) ? "GENERATED BY DEFAULT ON NULL FOR INSERT AND UPDATE" : "GENERATED BY DEFAULT ON NULL";
  }

  /**
   * Moves an identity column's sequence past the column's highest value (12c: START WITH LIMIT VALUE), the
   * generation clause re-declared as it was; the other identity options are left as they are.
   */
  static String resyncIdentity(String owner, String table, String column, String generationClause) {
    return "ALTER TABLE " + quote(owner) + "." + quote(table) + " MODIFY " + quote(column) + " " + generationClause
        + " AS IDENTITY (START WITH LIMIT VALUE)";
  }
}
