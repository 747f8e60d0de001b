package io.rebound.compare;

import io.rebound.compare.CompareSql.Span;
import io.rebound.compare.CompareSql.TypedValue;
import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Jdbc;
import java.math.BigInteger;
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
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares one table between two connections, chunk by chunk. A chunk is a primary-key range. Each side
 * hashes it in the database: whole first, and an equal chunk ends there; a chunk that differs is hashed
 * again as a few thousand buckets of rows (by key), and for the buckets that differ, keys and row hashes of
 * just their rows are fetched from both sides and diffed. The caller says when differences are expected
 * (the chunk before had some), and chunks are then hashed by bucket straight away. Between PostgreSQL
 * servers rows are hashed as typed values (64 bits, nothing formatted); otherwise as normalised text with
 * MD5.
 *
 * <p>Both sides are queried at once, and given several chunks, each side hashes them all on its own before
 * they are compared. Connections are the caller's: each side's in a read-only transaction started by
 * {@link CompareSql#beginReadOnly}.
 */
public class TableComparator {

  private static final Logger LOG = LoggerFactory.getLogger(TableComparator.class);

  /**
   * @param buckets buckets a chunk's rows are hashed into; with chunks of 250 000 rows, 4096 buckets hold
   *     about 60 rows each, which is what a difference costs to fetch
   * @param maxSamples sample keys kept per kind of difference
   * @param maxRowsFetched rows of differing buckets fetched at once from a side, about: more buckets are
   *     fetched in further batches, so that memory stays bounded however much of a chunk differs
   */
  public record Options(int buckets, int maxSamples, long maxRowsFetched, RowDifferences.Withholding withholding) {
    public static final Options DEFAULT = new Options(4096, 20, DEFAULT_MAX_ROWS_FETCHED);

    public Options(int buckets, int maxSamples) {
      this(buckets, maxSamples, DEFAULT_MAX_ROWS_FETCHED);
    }

    public Options(int buckets, int maxSamples, long maxRowsFetched) {
      this(buckets, maxSamples, maxRowsFetched, RowDifferences.Withholding.DEFAULT);
    }
  }

  private static final long DEFAULT_MAX_ROWS_FETCHED = 100_000;

  /** One side of a comparison: a connection in a read-only transaction and its dialect's SQL. */
  public record Side(Connection connection, CompareSql sql) {}

  private final Executor pool;

  public TableComparator(Executor pool) {
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
   * on both sides with a comparable kind, every column the filter names is in both tables.
   */
  public PreparedTable prepare(Side source, Side destination, TableSpec spec) throws SQLException {
    WhereFilter filter = WhereFilter.parse(spec.where(), source.sql().dialect(), destination.sql().dialect());
    TableRef sourceTable = TableRef.parse(source.sql().dialect(), spec.name());
    TableRef destinationTable = TableRef.parse(destination.sql().dialect(), spec.nameOnDestination());
    Map<String, Column> sourceColumns = columns(source, sourceTable);
    Map<String, Column> destinationColumns = columns(destination, destinationTable);
    String sourceWhere = filter == null ? null
        : filter.sql(source.sql().dialect(), name -> filterColumn(sourceColumns, name, sourceTable).name());
    String destinationWhere = filter == null ? null : filter.sql(destination.sql().dialect(), name -> {
      Column inSource = filterColumn(sourceColumns, name, sourceTable);
      Column inDestination = destinationColumns.get(fold(inSource.name()));
      if (inDestination == null) {
        throw new InvalidInputException("the WHERE filter names column " + name + ", which is not in the destination's " + destinationTable);
      }
      return inDestination.name();
    });
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
    refuseUnsupported(sourceList, "source's", sourceTable);
    refuseUnsupported(destinationList, "destination's", destinationTable);
    String characterSets = characterSetRefusal(source.sql().dialect(), source.sql().characterSet(source.connection()),
        destination.sql().dialect(), destination.sql().characterSet(destination.connection()));
    if (characterSets != null) {
      throw new InvalidInputException(characterSets);
    }
    refuseMissingPrivileges(source.sql().missingPrivileges(source.connection(), sourceTable, sourceList), "source");
    refuseMissingPrivileges(destination.sql().missingPrivileges(destination.connection(), destinationTable, destinationList), "destination");
    for (int i = 0; i < key.size(); i++) {
      if (sourceList.get(i).kind() == ColumnKind.BINARY || sourceList.get(i).kind() == ColumnKind.OTHER) {
        throw new InvalidInputException("key column " + sourceList.get(i).name() + " has a type that cannot bound a key range");
      }
    }
    boolean byModulo = key.size() == 1 && sourceList.get(0).kind() == ColumnKind.NUMBER && destinationList.get(0).kind() == ColumnKind.NUMBER
        && source.sql().isInteger(sourceList.get(0)) && destination.sql().isInteger(destinationList.get(0));
    List<TypedValue> sourceTyped = new ArrayList<>();
    List<TypedValue> destinationTyped = new ArrayList<>();
    if (source.sql().hashesTypedValues(source.connection()) && destination.sql().hashesTypedValues(destination.connection())) {
      for (int i = 0; i < sourceList.size(); i++) {
        sourceTyped.add(source.sql().typedValue(sourceList.get(i), destinationList.get(i)));
        destinationTyped.add(destination.sql().typedValue(destinationList.get(i), sourceList.get(i)));
      }
    }
    return new PreparedTable(sourceTable, destinationTable, sourceList, destinationList, key.size(), sourceWhere, destinationWhere, byModulo,
        sourceTyped, destinationTyped, RowText.widths(sourceList, destinationList),
        sameKeyCollation(source, sourceTable, sourceList, destination, destinationTable, destinationList, key.size()));
  }

  /** A column of a type that cannot be compared is named before anything is read, with what to do. */
  static void refuseUnsupported(List<Column> columns, String side, TableRef table) {
    for (Column column : columns) {
      if (column.kind() == ColumnKind.UNSUPPORTED) {
        throw new InvalidInputException("column " + column.name() + " of the " + side + " " + table + " has type " + column.type()
            + ", which cannot be compared (LONG, LONG RAW, BFILE, object types, XMLTYPE, ANYDATA and JSON cannot): leave it out of \"columns\"");
      }
    }
  }

  private static void refuseMissingPrivileges(List<String> missing, String side) {
    if (!missing.isEmpty()) {
      throw new InvalidInputException("the account comparisons connect as on the " + side + " lacks " + String.join(" and ", missing));
    }
  }

  /**
   * Why the sides' texts cannot hash alike, or null. Rows are hashed as the bytes of their text: PostgreSQL's
   * in UTF-8 (as its databases are), Oracle's in its database character set, which meets UTF-8 only as
   * AL32UTF8 (UTF8 is CESU-8, and other sets are other bytes). Two databases of one dialect meet in the same
   * character set, whichever it is.
   */
  static String characterSetRefusal(Dialect sourceDialect, String sourceSet, Dialect destinationDialect, String destinationSet) {
    if (sourceDialect == destinationDialect) {
      return Objects.equals(sourceSet, destinationSet) ? null
          : "the source's database character set is " + sourceSet + " and the destination's " + destinationSet
              + ": their text hashes differently, so they cannot be compared";
    }
    for (String[] side : new String[][] {{"source", sourceSet}, {"destination", destinationSet}}) {
      if (side[1] != null && !side[1].equals(OracleCompareSql.UNICODE)) {
        return "the " + side[0] + "'s Oracle database character set is " + side[1] + ": its text hashes as PostgreSQL's UTF-8 text only in "
            + OracleCompareSql.UNICODE + ", so it cannot be compared with PostgreSQL";
      }
    }
    return null;
  }

  /**
   * The source's column a filter names: a plain name whatever its case (as the comparison's other column
   * names match), a quoted one exactly.
   */
  private static Column filterColumn(Map<String, Column> columns, WhereFilter.ColumnName name, TableRef table) {
    Column column = name.quoted()
        ? columns.values().stream().filter(c -> c.name().equals(name.name())).findFirst().orElse(null)
        : columns.get(fold(name.name()));
    if (column == null) {
      throw new InvalidInputException("the WHERE filter names column " + name + ", which is not in the source's " + table);
    }
    return column;
  }

  /**
   * Whether every text key column sorts the same way on both sides in a collation of its own (same provider,
   * locale and library version), so that ranges can compare keys in it and use the primary key's index.
   * Otherwise text keys are ranged in byte order, which any server can do alike (but PostgreSQL then filters
   * instead of using an index on a column that is not in the "C" collation).
   */
  private static boolean sameKeyCollation(Side source, TableRef sourceTable, List<Column> sourceColumns, Side destination,
      TableRef destinationTable, List<Column> destinationColumns, int keyCount) throws SQLException {
    boolean anyText = false;
    for (int i = 0; i < keyCount; i++) {
      Column mine = sourceColumns.get(i);
      Column theirs = destinationColumns.get(i);
      if (!isText(mine) && !isText(theirs)) {
        continue;
      }
      anyText = true;
      String collation = source.sql().collation(source.connection(), sourceTable, mine);
      if (collation == null || CompareSql.BYTE_ORDER.equals(collation)
          || !collation.equals(destination.sql().collation(destination.connection(), destinationTable, theirs))) {
        return false;
      }
    }
    return anyText;
  }

  private static boolean isText(Column column) {
    return column.kind() == ColumnKind.TEXT || column.kind() == ColumnKind.CHAR;
  }

  /**
   * Splits the whole table into ranges of about {@code chunkSize} source rows, or fewer where the source's
   * statistics say that many would take more than {@code maxChunkBytes}: by arithmetic on a whole-number
   * key, otherwise from one ordered scan of the source's keys.
   */
  public List<KeyRange> chunks(Side source, PreparedTable table, int chunkSize, long maxChunkBytes) throws SQLException {
    Long tableRows = source.sql().estimatedRows(source.connection(), table.source());
    Long tableBytes = tableRows == null ? null : source.sql().estimatedBytes(source.connection(), table.source());
    int rows = rowsPerChunk(chunkSize, tableRows, tableBytes, maxChunkBytes);
    if (table.bucketByModulo()) {
      return arithmeticChunks(source, table, rows, table.sourceWhere() == null ? tableRows : null);
    }
    return KeyRange.ALL.splitAt(boundaries(source, table.onSource(source.sql()), KeyRange.ALL, rows));
  }

  /** Rows a chunk takes: as asked, or as many as fit in {@code maxChunkBytes} at the table's average row size. */
  static int rowsPerChunk(int chunkSize, Long tableRows, Long tableBytes, long maxChunkBytes) {
    if (tableRows == null || tableBytes == null) {
      return chunkSize;
    }
    long fit = (long) (maxChunkBytes / ((double) tableBytes / tableRows));
    return (int) Math.max(1, Math.min(chunkSize, fit));
  }

  /**
   * For a whole-number key: equal slices of the key's span, as many as the row count asks for. Costs the
   * key's ends (two index probes) and the row count the planner's statistics hold, or a count where there
   * are none or a filter applies, instead of a sort of every key; uneven where the keys are uneven. Every
   * slice is bounded on both sides, so that it can be bucketed by slices of its own; two more ranges,
   * before the source's first key and past its last, hold the keys only the destination may have.
   */
  private static List<KeyRange> arithmeticChunks(Side source, PreparedTable table, int chunkSize, Long estimatedRows) throws SQLException {
    String column = "\"" + table.sourceColumns().get(0).name() + "\"";
    Long rows = estimatedRows;
    String sql = rows != null ? source.sql().keyEndsQuery(table.source().sql(), column)
        : "SELECT MIN(" + column + "), MAX(" + column + "), COUNT(*) FROM " + table.source().sql()
            + (table.sourceWhere() == null ? "" : " WHERE (" + table.sourceWhere() + ")");
    BigInteger min;
    BigInteger max;
    try (PreparedStatement statement = source.connection().prepareStatement(sql); ResultSet result = statement.executeQuery()) {
      result.next();
      if (result.getBigDecimal(1) == null) {
        return List.of(KeyRange.ALL);
      }
      min = result.getBigDecimal(1).toBigInteger();
      max = result.getBigDecimal(2).toBigInteger();
      if (rows == null) {
        rows = result.getLong(3);
      }
    }
    long parts = Math.max(1, (rows + chunkSize - 1) / chunkSize);
    BigInteger span = max.subtract(min).add(BigInteger.ONE);
    BigInteger width = span.add(BigInteger.valueOf(parts - 1)).divide(BigInteger.valueOf(parts));
    List<List<String>> boundaries = new ArrayList<>();
    boundaries.add(List.of(min.toString()));
    for (long i = 1; i < parts; i++) {
      BigInteger bound = min.add(width.multiply(BigInteger.valueOf(i)));
      if (bound.compareTo(max) > 0) {
        break;
      }
      boundaries.add(List.of(bound.toString()));
    }
    boundaries.add(List.of(max.add(BigInteger.ONE).toString()));
    return KeyRange.ALL.splitAt(boundaries);
  }

  /** Compares one range, hashing it whole first: see {@link #compare(Side, Side, PreparedTable, List, Options, boolean)}. */
  public ChunkResult compare(Side source, Side destination, PreparedTable table, KeyRange range, Options options) throws SQLException {
    return compare(source, destination, table, List.of(range), options, false).get(0);
  }

  /**
   * Compares consecutive ranges. Each side hashes them all first, one after the other, on its own: neither
   * waits for the other at every range. Unless differences are expected (the chunk before had some), a
   * range is hashed whole, and an equal range ends there. A range that differs is hashed by bucket, and the
   * rows of the buckets that differ are diffed.
   */
  public List<ChunkResult> compare(Side source, Side destination, PreparedTable table, List<KeyRange> ranges, Options options,
      boolean expectDifferences) throws SQLException {
    SideTable mine = table.onSource(source.sql());
    SideTable theirs = table.onDestination(destination.sql());
    int buckets = expectDifferences ? options.buckets() : 0;
    CompletableFuture<List<Map<Long, ChunkHash>>> destinationHashes = async(() -> hashAll("destination", destination, theirs, ranges, buckets));
    List<Map<Long, ChunkHash>> sourceHashes = join(async(() -> hashAll("source", source, mine, ranges, buckets)));
    List<Map<Long, ChunkHash>> otherHashes = join(destinationHashes);
    List<ChunkResult> results = new ArrayList<>();
    long drillStarted = System.nanoTime();
    int differingBuckets = 0;
    for (int i = 0; i < ranges.size(); i++) {
      KeyRange range = ranges.get(i);
      Hashes first = Hashes.of(sourceHashes.get(i), otherHashes.get(i));
      Hashes bucketed = first;
      if (buckets == 0 && !first.differing().isEmpty()) {
        List<Object> sourceBinds = rangeBinds(mine, range);
        List<Object> destinationBinds = rangeBinds(theirs, range);
        String sourceSql = hashQuery(mine, options.buckets(), range);
        String destinationSql = hashQuery(theirs, options.buckets(), range);
        CompletableFuture<Map<Long, ChunkHash>> theirBuckets = async(() -> buckets(destination, destinationSql, destinationBinds));
        bucketed = Hashes.of(join(async(() -> buckets(source, sourceSql, sourceBinds))), join(theirBuckets));
      }
      long sourceBytes = first.sourceBytes() + (bucketed == first ? 0 : bucketed.sourceBytes());
      long destinationBytes = first.destinationBytes() + (bucketed == first ? 0 : bucketed.destinationBytes());
      ChunkResult diff = ChunkResult.EMPTY;
      differingBuckets += bucketed.differing().size();
      for (List<Long> batch : batches(bucketed.differing(), bucketed.rows(), options.maxRowsFetched())) {
        diff = diff.plus(diff(source, mine, destination, theirs, range, batch, options), options.maxSamples());
      }
      results.add(new ChunkResult(bucketed.sourceRows(), bucketed.destinationRows(), diff.missingInDestination(), diff.missingInSource(),
          diff.different(), diff.missingInDestinationKeys(), diff.missingInSourceKeys(), diff.differentKeys(),
          sourceBytes + diff.sourceBytes(), destinationBytes + diff.destinationBytes(), 1, diff.rowsFetched(), diff.differentRows()));
    }
    LOG.debug("{}: {} differing buckets of {} chunk(s) drilled in {} ms", table.source(), differingBuckets, ranges.size(),
        (System.nanoTime() - drillStarted) / 1_000_000);
    return results;
  }

  /** One side's hashes of each range, in order: whole, or by bucket. */
  private static List<Map<Long, ChunkHash>> hashAll(String label, Side side, SideTable table, List<KeyRange> ranges, int buckets) {
    long started = System.nanoTime();
    List<Map<Long, ChunkHash>> hashes = new ArrayList<>();
    for (KeyRange range : ranges) {
      hashes.add(buckets(side, hashQuery(table, buckets, range), rangeBinds(table, range)));
    }
    LOG.debug("{} {}: {} chunk(s) hashed {} in {} ms", label, table.table(), ranges.size(), buckets == 0 ? "whole" : "by bucket",
        (System.nanoTime() - started) / 1_000_000);
    return hashes;
  }

  /**
   * Both sides' hashes of a range, by bucket: their rows, the buckets that differ with the larger of their
   * two row counts, and what reading them took.
   */
  private record Hashes(long sourceRows, long destinationRows, List<Long> differing, Map<Long, Long> rows, long sourceBytes,
      long destinationBytes) {

    static Hashes of(Map<Long, ChunkHash> sourceBuckets, Map<Long, ChunkHash> destinationBuckets) {
      List<Long> differing = new ArrayList<>();
      Map<Long, Long> rows = new HashMap<>();
      TreeSet<Long> all = new TreeSet<>(sourceBuckets.keySet());
      all.addAll(destinationBuckets.keySet());
      for (Long bucket : all) {
        ChunkHash mine = sourceBuckets.get(bucket);
        ChunkHash theirs = destinationBuckets.get(bucket);
        if (mine == null || theirs == null || !mine.matches(theirs)) {
          differing.add(bucket);
          rows.put(bucket, Math.max(mine == null ? 0 : mine.rows(), theirs == null ? 0 : theirs.rows()));
        }
      }
      // About the size of a bucket row on the wire: number, count and two sums.
      return new Hashes(sourceBuckets.values().stream().mapToLong(ChunkHash::rows).sum(),
          destinationBuckets.values().stream().mapToLong(ChunkHash::rows).sum(), differing, rows, 48L * sourceBuckets.size(),
          48L * destinationBuckets.size());
    }
  }

  /** Differing buckets in batches of about {@code maxRows} rows a side, at least one bucket each. */
  static List<List<Long>> batches(List<Long> differing, Map<Long, Long> rows, long maxRows) {
    List<List<Long>> batches = new ArrayList<>();
    List<Long> batch = new ArrayList<>();
    long batchRows = 0;
    for (Long bucket : differing) {
      long bucketRows = rows.getOrDefault(bucket, 0L);
      if (!batch.isEmpty() && batchRows + bucketRows > maxRows) {
        batches.add(batch);
        batch = new ArrayList<>();
        batchRows = 0;
      }
      batch.add(bucket);
      batchRows += bucketRows;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** Diffs the rows of the given buckets of a range. */
  private ChunkResult diff(Side source, SideTable mine, Side destination, SideTable theirs, KeyRange range, List<Long> buckets, Options options)
      throws SQLException {
    String sourceSql = drillQuery(mine, options.buckets(), range, buckets);
    String destinationSql = drillQuery(theirs, options.buckets(), range, buckets);
    List<Object> sourceBinds = rangeBinds(mine, range);
    List<Object> destinationBinds = rangeBinds(theirs, range);
    CompletableFuture<RowHashes> destinationRows = async(() -> rowHashes(destination, destinationSql, destinationBinds, theirs.keyCount()));
    RowHashes sourceRows = join(async(() -> rowHashes(source, sourceSql, sourceBinds, mine.keyCount())));
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
    List<RowDifferences.Row> rows = List.of();
    int detailed = Math.min(different.size(), Math.min(options.maxSamples(), RowDifferences.MAX_ROWS));
    if (detailed > 0) {
      List<String> keys = different.subList(0, detailed);
      rows = differentRows(source, mine, destination, theirs, keys, keys.stream().map(sourceRows.keys()::get).toList(), options);
    }
    return new ChunkResult(sourceRows.hashes().size(), otherRows.hashes().size(), missingInDestinationCount, missingInSourceCount, differentCount,
        missingInDestination, missingInSource, different, sourceRows.bytes(), otherRows.bytes(), 0,
        sourceRows.hashes().size() + otherRows.hashes().size(), rows);
  }

  /** The sampled different rows read again by key on both sides, to name the columns that differ (see {@link RowDifferences}). */
  private List<RowDifferences.Row> differentRows(Side source, SideTable mine, Side destination, SideTable theirs, List<String> keys,
      List<List<String>> keyValues, Options options) throws SQLException {
    String sourceSql = RowDifferences.query(mine, keys.size());
    String destinationSql = RowDifferences.query(theirs, keys.size());
    List<Object> sourceBinds = RowDifferences.binds(mine, keyValues);
    List<Object> destinationBinds = RowDifferences.binds(theirs, keyValues);
    CompletableFuture<Map<String, List<String>>> theirRows = async(() -> rowValues(destination, destinationSql, destinationBinds, theirs.keyCount()));
    Map<String, List<String>> myRows = join(async(() -> rowValues(source, sourceSql, sourceBinds, mine.keyCount())));
    return RowDifferences.of(mine.table(), mine.columns(), mine.keyCount(), keys, myRows, join(theirRows), options.withholding());
  }

  /** Rows' normalised values by their key's text. */
  private static Map<String, List<String>> rowValues(Side side, String sql, List<Object> binds, int keyCount) {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      Map<String, List<String>> rows = new HashMap<>();
      try (ResultSet result = statement.executeQuery()) {
        int count = result.getMetaData().getColumnCount();
        while (result.next()) {
          List<String> values = new ArrayList<>(count);
          for (int i = 1; i <= count; i++) {
            values.add(result.getString(i));
          }
          rows.put(keyText(values.subList(0, keyCount)), values);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  private static void addSample(List<String> samples, String key, Options options) {
    if (samples.size() < options.maxSamples()) {
      samples.add(key);
    }
  }

  /** Keys (normalised) to row hashes of one side's range, each key's values by its text, and the bytes they took. */
  private record RowHashes(Map<String, String> hashes, Map<String, List<String>> keys, long bytes) {}

  private static RowHashes rowHashes(Side side, String sql, List<Object> binds, int keyCount) {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(1000);
      Map<String, String> hashes = new HashMap<>();
      Map<String, List<String>> keys = new HashMap<>();
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
          String text = keyText(key);
          hashes.put(text, hash);
          keys.put(text, key);
        }
      }
      return new RowHashes(hashes, keys, bytes);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  /** A key as a person reads it: one value, or the values in parentheses. */
  static String keyText(List<String> values) {
    return values.size() == 1 ? String.valueOf(values.get(0)) : "(" + String.join(", ", values.stream().map(String::valueOf).toList()) + ")";
  }

  private static Map<Long, ChunkHash> buckets(Side side, String sql, List<Object> binds) {
    try (PreparedStatement statement = side.connection().prepareStatement(sql)) {
      Jdbc.bind(statement, binds.toArray());
      statement.setFetchSize(5000);
      Map<Long, ChunkHash> buckets = new HashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          buckets.put(rows.getLong(1), new ChunkHash(rows.getLong(2), rows.getBigDecimal(3), rows.getBigDecimal(4)));
        }
      }
      return buckets;
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
  }

  /** Keys at every {@code step}-th row of the range in key order, excluding the first row. */
  private static List<List<String>> boundaries(Side side, SideTable table, KeyRange range, long step) throws SQLException {
    CompareSql sql = side.sql();
    List<Column> key = table.key();
    List<String> selected = new ArrayList<>();
    List<String> order = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      selected.add(sql.normalised(key.get(i)) + " AS k" + i);
      order.add(ordered(sql, '"' + key.get(i).name() + '"', key.get(i), table.ownKeyOrder()));
    }
    String inner = "SELECT " + String.join(", ", selected) + ", ROW_NUMBER() OVER (ORDER BY " + String.join(", ", order) + ") AS rn FROM "
        + table.table().sql() + where(table, range);
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      outer.add("k" + i);
    }
    String query = "SELECT " + String.join(", ", outer) + " FROM (" + inner + ") b WHERE MOD(rn - 1, ?) = 0 AND rn > 1 ORDER BY rn";
    List<Object> binds = new ArrayList<>(rangeBinds(table, range));
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

  /**
   * Per bucket of the range: bucket, rows, and the hash sums (one 64-bit sum for typed hashes, two 60-bit
   * sums for MD5). With no buckets, one row for the whole range, as bucket 0. The slices of a bounded
   * whole-number key are each summed on their own through the key's index where the dialect can (see
   * {@link CompareSql#slicedSums}): that costs what hashing the range whole does, where grouping every row
   * by its bucket costs about a third more.
   */
  static String hashQuery(SideTable table, int buckets, KeyRange range) {
    Slices slices = buckets > 0 && table.byModulo() ? Slices.of(range, buckets) : null;
    if (slices != null && slices.width().compareTo(MIN_SUMMED_SLICE) >= 0) {
      String key = "\"" + table.key().get(0).name() + "\"";
      String where = where(table, range);
      String sliced = table.sql().slicedSums(slices.count(), slices.lower().toString(), slices.width().toString(), slices.upper().toString(),
          (from, to) -> flatHashQuery(table, where + (where.isEmpty() ? " WHERE " : " AND ") + key + " >= " + from + " AND " + key + " < " + to));
      if (sliced != null) {
        return sliced;
      }
    }
    if (buckets == 0) {
      return flatHashQuery(table, where(table, range));
    }
    String subquery = "SELECT " + bucket(table, buckets, range) + " AS b, " + rowHash(table) + " AS h FROM " + table.table().sql()
        + where(table, range);
    return table.typedHash() ? "SELECT b, count(*), sum(h), 0 FROM (" + subquery + ") s GROUP BY b" : table.sql().md5Sums(subquery, true);
  }

  /**
   * Keys in a slice below which its rows are grouped rather than summed slice by slice: a slice of its
   * own costs an index descent, about what grouping 17 rows costs (measured on PostgreSQL 15).
   */
  static final BigInteger MIN_SUMMED_SLICE = BigInteger.valueOf(32);

  /** The rows that a WHERE clause picks, their count and hash sums, as bucket 0. */
  private static String flatHashQuery(SideTable table, String where) {
    String subquery = "SELECT " + rowHash(table) + " AS h FROM " + table.table().sql() + where;
    return table.typedHash() ? "SELECT 0, count(*), sum(h), 0 FROM (" + subquery + ") s" : table.sql().md5Sums(subquery, false);
  }

  /** A row's hash: 64 bits of its typed values where both sides can, else the MD5 of its normalised text. */
  static String rowHash(SideTable table) {
    return table.typedHash() ? table.sql().typedHash(table.typed(), 0) : table.sql().md5(table.rowText());
  }

  /**
   * A row's bucket, from its key only, so a changed row stays in its bucket on both sides. A whole-number key
   * in a bounded range: equal consecutive slices of the range, so that the rows of a bucket are found through
   * the key's index; in an open range, the key MOD n. Any other key: a number from a hash of the key (typed,
   * or of its normalised text).
   */
  static String bucket(SideTable table, int buckets, KeyRange range) {
    CompareSql sql = table.sql();
    if (table.byModulo()) {
      String key = "\"" + table.key().get(0).name() + "\"";
      Slices slices = Slices.of(range, buckets);
      return slices == null ? "MOD(" + key + ", " + buckets + ")" : sql.slice(key, slices.lower().toString(), slices.width().toString());
    }
    if (table.typedHash()) {
      return "MOD(" + sql.typedHash(table.typed().subList(0, table.keyCount()), 1) + " & 9223372036854775807, " + buckets + ")";
    }
    return "MOD(" + sql.hexPrefixNumber(sql.md5(table.keyText()), 7) + ", " + buckets + ")";
  }

  /**
   * A bounded range of a whole-number key, from {@code lower} to before {@code upper}, cut into slices of
   * one width, the last one maybe shorter.
   */
  record Slices(BigInteger lower, BigInteger width, BigInteger upper) {

    /** The slices of a range bounded on both sides, or null for an open range. */
    static Slices of(KeyRange range, int buckets) {
      if (range.lower() == null || range.upper() == null) {
        return null;
      }
      BigInteger lower = new BigInteger(range.lower().get(0));
      BigInteger upper = new BigInteger(range.upper().get(0));
      BigInteger count = BigInteger.valueOf(buckets);
      return new Slices(lower, upper.subtract(lower).add(count).subtract(BigInteger.ONE).divide(count).max(BigInteger.ONE), upper);
    }

    /** Slices that hold keys of the range: fewer than asked where the range is narrower than they are. */
    int count() {
      return upper.subtract(lower).add(width).subtract(BigInteger.ONE).divide(width).intValueExact();
    }

    BigInteger from(long bucket) {
      return lower.add(width.multiply(BigInteger.valueOf(bucket)));
    }

    /** The key ranges of some slices, neighbours joined, the last held to the range's end. */
    List<Span> spans(List<Long> slices) {
      List<Span> spans = new ArrayList<>();
      List<Long> sorted = slices.stream().sorted().toList();
      for (int i = 0; i < sorted.size(); i++) {
        long first = sorted.get(i);
        while (i + 1 < sorted.size() && sorted.get(i + 1) == sorted.get(i) + 1) {
          i++;
        }
        spans.add(new Span(from(first), from(sorted.get(i) + 1).min(upper)));
      }
      return spans;
    }
  }

  /**
   * Keys and row hashes of some buckets of a range. Slices of a whole-number key become key ranges
   * (neighbours joined) which the key's index serves, each read on its own where the dialect can (see
   * {@link CompareSql#rowsInSpans}); otherwise one read of the range keeps the rows of the wanted buckets.
   */
  static String drillQuery(SideTable table, int buckets, KeyRange range, List<Long> wanted) {
    Slices slices = table.byModulo() ? Slices.of(range, buckets) : null;
    String rows = rowHashesQuery(table, range);
    String and = where(table, range).isEmpty() ? " WHERE " : " AND ";
    if (slices == null) {
      return rows + and + inLists(bucket(table, buckets, range), wanted);
    }
    String key = "\"" + table.key().get(0).name() + "\"";
    List<Span> spans = slices.spans(wanted);
    String each = table.sql().rowsInSpans(spans, (from, to) -> rows + and + key + " >= " + from + " AND " + key + " < " + to);
    if (each != null) {
      return each;
    }
    List<String> ranges = spans.stream().map(span -> "(" + key + " >= " + span.from() + " AND " + key + " < " + span.to() + ")").toList();
    return rows + and + "(" + String.join(" OR ", ranges) + ")";
  }

  /** Values an IN list holds at most: Oracle refuses more (ORA-01795). */
  static final int MAX_IN_LIST = 1000;

  /** An expression in a list of values: lists of at most {@link #MAX_IN_LIST}, joined by OR. */
  static String inLists(String expression, List<Long> values) {
    List<String> lists = new ArrayList<>();
    for (int from = 0; from < values.size(); from += MAX_IN_LIST) {
      List<Long> list = values.subList(from, Math.min(values.size(), from + MAX_IN_LIST));
      lists.add(expression + " IN (" + String.join(", ", list.stream().map(String::valueOf).toList()) + ")");
    }
    return lists.size() == 1 ? lists.get(0) : "(" + String.join(" OR ", lists) + ")";
  }

  static String rowHashesQuery(SideTable table, KeyRange range) {
    List<String> selected = new ArrayList<>();
    table.key().forEach(column -> selected.add(table.sql().normalised(column)));
    selected.add(table.typedHash() ? rowHash(table) + "::text" : rowHash(table));
    return "SELECT " + String.join(", ", selected) + " FROM " + table.table().sql() + where(table, range);
  }

  /** The WHERE clause of a range of a side's table (and the user's filter); binds in {@link #rangeBinds} order. */
  static String where(SideTable table, KeyRange range) {
    return where(table.sql(), table.key(), range, table.where(), table.ownKeyOrder());
  }

  /**
   * The WHERE clause of a range (and the user's filter); binds in {@link #rangeBinds} order. Text keys
   * compare in byte order unless both sides sort them alike in their own collation ({@code ownOrder}).
   */
  static String where(CompareSql sql, List<Column> key, KeyRange range, String filter, boolean ownOrder) {
    List<String> conditions = new ArrayList<>();
    if (range.lower() != null) {
      conditions.add(bound(sql, key, 0, true, ownOrder));
    }
    if (range.upper() != null) {
      conditions.add(bound(sql, key, 0, false, ownOrder));
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
  private static String bound(CompareSql sql, List<Column> key, int i, boolean lower, boolean ownOrder) {
    Column column = key.get(i);
    String left = ordered(sql, '"' + column.name() + '"', column, ownOrder);
    String right = ordered(sql, sql.fromNormalised(column), column, ownOrder);
    boolean last = i == key.size() - 1;
    if (last) {
      return left + (lower ? " >= " : " < ") + right;
    }
    String strict = left + (lower ? " > " : " < ") + right;
    return "(" + strict + " OR (" + '"' + column.name() + '"' + " = " + sql.fromNormalised(column) + " AND " + bound(sql, key, i + 1, lower, ownOrder) + "))";
  }

  /** A key column as ranges compare it: as it is where both sides share its collation, else in byte order. */
  private static String ordered(CompareSql sql, String expression, Column column, boolean ownOrder) {
    return ownOrder ? expression : sql.ordered(expression, column);
  }

  /** Bind values for {@link #where}: each bound's values in the order its nested form uses them, as text. */
  static List<String> rangeBinds(KeyRange range) {
    List<String> binds = new ArrayList<>();
    for (List<String> bound : bounds(range)) {
      for (int i = 0; i < bound.size(); i++) {
        binds.add(bound.get(i));
        if (i < bound.size() - 1) {
          binds.add(bound.get(i));
        }
      }
    }
    return binds;
  }

  /**
   * Bind values for {@link #where} on one side: as {@link #rangeBinds(KeyRange)}, each value as that side
   * binds its key column ({@link CompareSql#bindValue}: an Oracle number as a number).
   */
  static List<Object> rangeBinds(SideTable table, KeyRange range) {
    List<Object> binds = new ArrayList<>();
    for (List<String> bound : bounds(range)) {
      for (int i = 0; i < bound.size(); i++) {
        Object value = table.sql().bindValue(table.key().get(i), bound.get(i));
        binds.add(value);
        if (i < bound.size() - 1) {
          binds.add(value);
        }
      }
    }
    return binds;
  }

  private static List<List<String>> bounds(KeyRange range) {
    List<List<String>> bounds = new ArrayList<>();
    if (range.lower() != null) {
      bounds.add(range.lower());
    }
    if (range.upper() != null) {
      bounds.add(range.upper());
    }
    return bounds;
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
