package io.rebound.compare;

import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Compares one table between two connections, chunk by chunk. A chunk is a primary-key range; each side
 * hashes it in the database. Equal hashes end the chunk; different ones split it into smaller ranges,
 * until a range is small enough to fetch its keys and row hashes from both sides and diff them.
 *
 * <p>Both sides are queried at once. Connections are the caller's: each side's in a read-only transaction
 * started by {@link CompareSql#beginReadOnly}.
 */
public class TableComparator {

  /**
   * @param drillRows a differing range with at most this many rows (on the larger side) is diffed row by row
   * @param fanout how many parts a larger differing range is split into
   * @param maxSamples sample keys kept per kind of difference
   */
  public record Options(int drillRows, int fanout, int maxSamples) {
    public static final Options DEFAULT = new Options(2000, 16, 20);
  }

  /** One side of a comparison: a connection in a read-only transaction and its dialect's SQL. */
  public record Side(Connection connection, CompareSql sql) {}

  private final ExecutorService pool;

  public TableComparator(ExecutorService pool) {
    this.pool = pool;
  }

  /** A comparator with its own two threads, one per side. */
  public static TableComparator withOwnThreads() {
    return new TableComparator(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "rebound-compare");
      thread.setDaemon(true);
      return thread;
    }));
  }

  /**
   * Reads both tables' columns and checks they can be compared: the key exists, every compared column is
   * on both sides with a comparable kind.
   */
  public PreparedTable prepare(Side source, Side destination, TableSpec spec) throws SQLException {
    String where = WhereFilter.validate(spec.where());
    TableRef sourceTable = TableRef.parse(source.sql().dialect(), spec.name());
    TableRef destinationTable = TableRef.parse(destination.sql().dialect(), spec.name());
    Map<String, Column> sourceColumns = columns(source, sourceTable);
    Map<String, Column> destinationColumns = columns(destination, destinationTable);
    List<String> key = spec.primaryKey().isEmpty()
        ? Jdbc.queryStrings(source.connection(), source.sql().primaryKeyQuery(), sourceTable.schema(), sourceTable.table())
        : spec.primaryKey();
    if (key.isEmpty()) {
      throw new InvalidInputException(sourceTable + " has no primary key; name the key columns");
    }
    List<String> wanted = new ArrayList<>(key.stream().map(TableComparator::fold).toList());
    List<String> others = spec.columns().isEmpty() ? List.copyOf(sourceColumns.keySet()) : spec.columns().stream().map(TableComparator::fold).toList();
    others.stream().filter(c -> !wanted.contains(c)).forEach(wanted::add);
    List<Column> sourceList = new ArrayList<>();
    List<Column> destinationList = new ArrayList<>();
    for (String name : wanted) {
      Column inSource = sourceColumns.get(name);
      Column inDestination = destinationColumns.get(name);
      if (inSource == null) {
        throw new InvalidInputException("column " + name + " is not in the source's " + sourceTable);
      }
      if (inDestination == null) {
        throw new InvalidInputException("column " + name + " is not in the destination's " + destinationTable);
      }
      sourceList.add(inSource);
      destinationList.add(inDestination);
    }
    for (int i = 0; i < key.size(); i++) {
      if (sourceList.get(i).kind() == ColumnKind.BINARY || sourceList.get(i).kind() == ColumnKind.OTHER) {
        throw new InvalidInputException("key column " + sourceList.get(i).name() + " has a type that cannot bound a key range");
      }
    }
    return new PreparedTable(sourceTable, destinationTable, sourceList, destinationList, key.size(), where);
  }

  /**
   * Splits the whole table into ranges of about {@code chunkSize} source rows, from one ordered scan of the
   * source's keys.
   */
  public List<KeyRange> chunks(Side source, PreparedTable table, int chunkSize) throws SQLException {
    return KeyRange.ALL.splitAt(boundaries(source, table.source(), table.sourceKey(), KeyRange.ALL, table.where(), chunkSize));
  }

  /** Compares one range: hashes both sides, and splits or diffs it when they differ. */
  public ChunkResult compare(Side source, Side destination, PreparedTable table, KeyRange range, Options options) throws SQLException {
    String sourceHashSql = hashQuery(source.sql(), table.source(), table.sourceColumns(), table.sourceKey(), range, table.where());
    String destinationHashSql = hashQuery(destination.sql(), table.destination(), table.destinationColumns(), table.destinationKey(), range, table.where());
    List<String> binds = rangeBinds(range);
    CompletableFuture<ChunkHash> destinationHash = async(() -> hash(destination, destinationHashSql, binds));
    ChunkHash sourceHash = join(async(() -> hash(source, sourceHashSql, binds)));
    ChunkHash otherHash = join(destinationHash);
    long hashBytes = 64;
    if (sourceHash.matches(otherHash)) {
      return new ChunkResult(sourceHash.rows(), otherHash.rows(), 0, 0, 0, List.of(), List.of(), List.of(), hashBytes, hashBytes, 1, 0);
    }
    long larger = Math.max(sourceHash.rows(), otherHash.rows());
    if (larger <= options.drillRows()) {
      ChunkResult diff = diff(source, destination, table, range, options);
      return new ChunkResult(sourceHash.rows(), otherHash.rows(), diff.missingInDestination(), diff.missingInSource(), diff.different(),
          diff.missingInDestinationKeys(), diff.missingInSourceKeys(), diff.differentKeys(), hashBytes + diff.sourceBytes(),
          hashBytes + diff.destinationBytes(), 1, diff.rowsFetched());
    }
    // Split on the side with more rows, so every part is small enough after a few levels.
    boolean bySource = sourceHash.rows() >= otherHash.rows();
    Side splitter = bySource ? source : destination;
    long step = Math.max(1, (larger + options.fanout() - 1) / options.fanout());
    List<List<String>> keys = boundaries(splitter, bySource ? table.source() : table.destination(),
        bySource ? table.sourceKey() : table.destinationKey(), range, table.where(), step);
    ChunkResult total = new ChunkResult(0, 0, 0, 0, 0, List.of(), List.of(), List.of(), hashBytes, hashBytes, 1, 0);
    for (KeyRange part : range.splitAt(keys)) {
      ChunkResult result = compare(source, destination, table, part, options);
      total = total.plus(new ChunkResult(result.sourceRows(), result.destinationRows(), result.missingInDestination(), result.missingInSource(),
          result.different(), result.missingInDestinationKeys(), result.missingInSourceKeys(), result.differentKeys(), result.sourceBytes(),
          result.destinationBytes(), result.chunksHashed(), result.rowsFetched()), options.maxSamples());
    }
    return total;
  }

  private ChunkResult diff(Side source, Side destination, PreparedTable table, KeyRange range, Options options) throws SQLException {
    String sourceSql = rowHashesQuery(source.sql(), table.source(), table.sourceColumns(), table.sourceKey(), range, table.where());
    String destinationSql = rowHashesQuery(destination.sql(), table.destination(), table.destinationColumns(), table.destinationKey(), range, table.where());
    List<String> binds = rangeBinds(range);
    CompletableFuture<RowHashes> destinationRows = async(() -> rowHashes(destination, destinationSql, binds, table.keyCount()));
    RowHashes sourceRows = join(async(() -> rowHashes(source, sourceSql, binds, table.keyCount())));
    RowHashes otherRows = join(destinationRows);
    List<String> missingInDestination = new ArrayList<>();
    List<String> different = new ArrayList<>();
    long missingInDestinationCount = 0;
    long differentCount = 0;
    for (Map.Entry<String, String> row : sourceRows.hashes().entrySet()) {
      String other = otherRows.hashes().get(row.getKey());
      if (other == null) {
        missingInDestinationCount++;
        addSample(missingInDestination, row.getKey(), options);
      } else if (!other.equals(row.getValue())) {
        differentCount++;
        addSample(different, row.getKey(), options);
      }
    }
    List<String> missingInSource = new ArrayList<>();
    long missingInSourceCount = 0;
    for (String key : otherRows.hashes().keySet()) {
      if (!sourceRows.hashes().containsKey(key)) {
        missingInSourceCount++;
        addSample(missingInSource, key, options);
      }
    }
    return new ChunkResult(sourceRows.hashes().size(), otherRows.hashes().size(), missingInDestinationCount, missingInSourceCount, differentCount,
        missingInDestination, missingInSource, different, sourceRows.bytes(), otherRows.bytes(), 0,
        sourceRows.hashes().size() + otherRows.hashes().size());
  }

  private static void addSample(List<String> samples, String key, Options options) {
    if (samples.size() < options.maxSamples()) {
      samples.add(key);
    }
  }

  /** Keys (normalised) to row hashes of one side's range, and the bytes they took. */
  private record RowHashes(Map<String, String> hashes, long bytes) {}

  private static RowHashes rowHashes(Side side, String sql, List<String> binds, int keyCount) {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(1000);
      Map<String, String> hashes = new HashMap<>();
      long bytes = 0;
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<String> key = new ArrayList<>(keyCount);
          for (int i = 1; i <= keyCount; i++) {
            String value = rows.getString(i);
            key.add(value);
            bytes += value == null ? 1 : value.length();
          }
          String hash = rows.getString(keyCount + 1);
          bytes += hash.length();
          hashes.put(keyText(key), hash);
        }
      }
      return new RowHashes(hashes, bytes);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  /** A key as a person reads it: one value, or the values in parentheses. */
  static String keyText(List<String> values) {
    return values.size() == 1 ? String.valueOf(values.get(0)) : "(" + String.join(", ", values.stream().map(String::valueOf).toList()) + ")";
  }

  private static ChunkHash hash(Side side, String sql, List<String> binds) {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return new ChunkHash(rows.getLong(1), rows.getBigDecimal(2), rows.getBigDecimal(3));
      }
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  /** Keys at every {@code step}-th row of the range in key order, excluding the first row. */
  private static List<List<String>> boundaries(Side side, TableRef table, List<Column> key, KeyRange range, String where, long step)
      throws SQLException {
    CompareSql sql = side.sql();
    List<String> selected = new ArrayList<>();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      selected.add(sql.normalised(key.get(i)) + " AS k" + i);
      order.add(sql.ordered('"' + key.get(i).name() + '"', key.get(i)));
    }
    String inner = "SELECT " + String.join(", ", selected) + ", ROW_NUMBER() OVER (ORDER BY " + String.join(", ", order) + ") AS rn FROM "
        + table.sql() + where(sql, key, range, where);
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      outer.add("k" + i);
    }
    String query = "SELECT " + String.join(", ", outer) + " FROM (" + inner + ") b WHERE MOD(rn - 1, ?) = 0 AND rn > 1 ORDER BY rn";
    List<Object> binds = new ArrayList<>(rangeBinds(range));
    binds.add(step);
    List<List<String>> keys = new ArrayList<>();
    try (PreparedStatement statement = side.connection().prepareStatement(query)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(1000);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<String> values = new ArrayList<>();
          for (int i = 1; i <= key.size(); i++) {
            values.add(rows.getString(i));
          }
          keys.add(values);
        }
      }
    }
    return keys;
  }

  static String hashQuery(CompareSql sql, TableRef table, List<Column> columns, List<Column> key, KeyRange range, String where) {
    return sql.hashSums("SELECT " + sql.md5(sql.rowText(columns)) + " AS h FROM " + table.sql() + where(sql, key, range, where));
  }

  static String rowHashesQuery(CompareSql sql, TableRef table, List<Column> columns, List<Column> key, KeyRange range, String where) {
    List<String> selected = new ArrayList<>();
    key.forEach(column -> selected.add(sql.normalised(column)));
    selected.add(sql.md5(sql.rowText(columns)));
    return "SELECT " + String.join(", ", selected) + " FROM " + table.sql() + where(sql, key, range, where);
  }

  /** The WHERE clause of a range (and the user's filter); binds in {@link #rangeBinds} order. */
  static String where(CompareSql sql, List<Column> key, KeyRange range, String filter) {
    List<String> conditions = new ArrayList<>();
    if (range.lower() != null) {
      conditions.add(bound(sql, key, 0, true));
    }
    if (range.upper() != null) {
      conditions.add(bound(sql, key, 0, false));
    }
    if (filter != null) {
      conditions.add("(" + filter + ")");
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /**
   * Lexicographic comparison of the key with a bound, from column {@code i} on: lower bounds are
   * inclusive, upper bounds exclusive. Written out column by column, as Oracle has no row comparison.
   */
  private static String bound(CompareSql sql, List<Column> key, int i, boolean lower) {
    Column column = key.get(i);
    String left = sql.ordered('"' + column.name() + '"', column);
    String right = sql.ordered(sql.fromNormalised(column), column);
    boolean last = i == key.size() - 1;
    if (last) {
      return left + (lower ? " >= " : " < ") + right;
    }
    String strict = left + (lower ? " > " : " < ") + right;
    return "(" + strict + " OR (" + '"' + column.name() + '"' + " = " + sql.fromNormalised(column) + " AND " + bound(sql, key, i + 1, lower) + "))";
  }

  /** Bind values for {@link #where}: each bound's values in the order its nested form uses them. */
  static List<String> rangeBinds(KeyRange range) {
    List<String> binds = new ArrayList<>();
    if (range.lower() != null) {
      addBoundBinds(binds, range.lower());
    }
    if (range.upper() != null) {
      addBoundBinds(binds, range.upper());
    }
    return binds;
  }

  private static void addBoundBinds(List<String> binds, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      binds.add(values.get(i));
      if (i < values.size() - 1) {
        binds.add(values.get(i));
      }
    }
  }

  private Map<String, Column> columns(Side side, TableRef table) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    try (PreparedStatement statement = side.connection().prepareStatement(side.sql().columnsQuery())) {
      Jdbc.bind(statement, table.schema(), table.table());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          String name = rows.getString(1);
          columns.put(fold(name), new Column(name, rows.getString(2), side.sql().kindOf(rows.getString(3), rows.getString(2))));
        }
      }
    }
    if (columns.isEmpty()) {
      throw new TableMissingException(table + " does not exist or cannot be read");
    }
    return columns;
  }

  /** Column names match across dialects whatever their case. */
  private static String fold(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, pool);
  }

  private static <T> T join(CompletableFuture<T> future) throws SQLException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  /** The table is not there (or not visible to the connecting user) on one side. */
  public static class TableMissingException extends RuntimeException {
    public TableMissingException(String message) {
      super(message);
    }
  }
}
