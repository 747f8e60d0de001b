package io.rebound.compare;

import io.rebound.compare.BothSides.Answers;
import io.rebound.compare.ChunkDiff.BucketHashes;
import io.rebound.compare.ChunkDiff.RowHashes;
import io.rebound.compare.PreparedTable.SideTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>This class tells the order of the work; each part is done elsewhere: a table made ready by
 * {@link TablePreparation}, cut into key ranges by {@link KeyRanges}, its statements written by each side's
 * dialect ({@link CompareSql}), run on both sides at once by {@link BothSides}, and their answers compared by
 * {@link ChunkDiff} and {@link RowDifferences}.
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

  private final BothSides sides;

  public TableComparator(Executor pool) {
    this.sides = new BothSides(pool);
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
    return TablePreparation.prepare(source, destination, spec);
  }

  /**
   * Splits the whole table into ranges of about {@code chunkSize} source rows, or fewer where the source's
   * statistics say that many would take more than {@code maxChunkBytes}: by arithmetic on a whole-number
   * key, otherwise from one ordered scan of the source's keys.
   */
  public List<KeyRange> chunks(Side source, PreparedTable table, int chunkSize, long maxChunkBytes) throws SQLException {
    return KeyRanges.of(source, table, chunkSize, maxChunkBytes);
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
    Answers<List<Map<Long, ChunkHash>>> hashes = sides.run(() -> hashAll("source", source, mine, ranges, buckets),
        () -> hashAll("destination", destination, theirs, ranges, buckets));
    List<ChunkResult> results = new ArrayList<>();
    long drillStarted = System.nanoTime();
    int differingBuckets = 0;
    for (int i = 0; i < ranges.size(); i++) {
      KeyRange range = ranges.get(i);
      BucketHashes first = BucketHashes.of(hashes.source().get(i), hashes.destination().get(i));
      BucketHashes again = buckets == 0 && !first.differing().isEmpty()
          ? hashByBucket(source, mine, destination, theirs, range, options.buckets()) : null;
      BucketHashes bucketed = again == null ? first : again;
      differingBuckets += bucketed.differing().size();
      ChunkResult rows = ChunkResult.EMPTY;
      for (List<Long> batch : ChunkDiff.batches(bucketed.differing(), bucketed.rows(), options.maxRowsFetched())) {
        rows = rows.plus(drill(source, mine, destination, theirs, range, batch, options), options.maxSamples());
      }
      results.add(ChunkDiff.chunk(first, again, rows));
    }
    LOG.debug("{}: {} differing buckets of {} chunk(s) drilled in {} ms", table.source(), differingBuckets, ranges.size(),
        (System.nanoTime() - drillStarted) / 1_000_000);
    return results;
  }

  /** One side's hashes of each range, in order: whole, or by bucket. */
  private static List<Map<Long, ChunkHash>> hashAll(String label, Side side, SideTable table, List<KeyRange> ranges, int buckets)
      throws SQLException {
    long started = System.nanoTime();
    List<Map<Long, ChunkHash>> hashes = new ArrayList<>();
    for (KeyRange range : ranges) {
      hashes.add(BothSides.hashes(side, side.sql().hashQuery(table, buckets, range), ChunkSql.rangeBinds(table, range)));
    }
    LOG.debug("{} {}: {} chunk(s) hashed {} in {} ms", label, table.table(), ranges.size(), buckets == 0 ? "whole" : "by bucket",
        (System.nanoTime() - started) / 1_000_000);
    return hashes;
  }

  /** A range found different when hashed whole, hashed again by bucket on both sides. */
  private BucketHashes hashByBucket(Side source, SideTable mine, Side destination, SideTable theirs, KeyRange range, int buckets)
      throws SQLException {
    String sourceSql = source.sql().hashQuery(mine, buckets, range);
    String destinationSql = destination.sql().hashQuery(theirs, buckets, range);
    Answers<Map<Long, ChunkHash>> hashes = sides.run(() -> BothSides.hashes(source, sourceSql, ChunkSql.rangeBinds(mine, range)),
        () -> BothSides.hashes(destination, destinationSql, ChunkSql.rangeBinds(theirs, range)));
    return BucketHashes.of(hashes.source(), hashes.destination());
  }

  /** Diffs the rows of the given buckets of a range, and names the columns that differ in the first different ones. */
  private ChunkResult drill(Side source, SideTable mine, Side destination, SideTable theirs, KeyRange range, List<Long> buckets, Options options)
      throws SQLException {
    String sourceSql = source.sql().drillQuery(mine, options.buckets(), range, buckets);
    String destinationSql = destination.sql().drillQuery(theirs, options.buckets(), range, buckets);
    Answers<RowHashes> rows = sides.run(() -> BothSides.rowHashes(source, sourceSql, ChunkSql.rangeBinds(mine, range), mine.keyCount()),
        () -> BothSides.rowHashes(destination, destinationSql, ChunkSql.rangeBinds(theirs, range), theirs.keyCount()));
    ChunkResult result = ChunkDiff.rows(rows.source(), rows.destination(), options.maxSamples());
    List<String> detailed = ChunkDiff.toDetail(result, options.maxSamples());
    if (detailed.isEmpty()) {
      return result;
    }
    return result.withDifferentRows(differentRows(source, mine, destination, theirs, detailed,
        detailed.stream().map(rows.source().keys()::get).toList(), options));
  }

  /** The sampled different rows read again by key on both sides, to name the columns that differ (see {@link RowDifferences}). */
  private List<RowDifferences.Row> differentRows(Side source, SideTable mine, Side destination, SideTable theirs, List<String> keys,
      List<List<String>> keyValues, Options options) throws SQLException {
    String sourceSql = source.sql().rowsByKeyQuery(mine, keys.size());
    String destinationSql = destination.sql().rowsByKeyQuery(theirs, keys.size());
    Answers<Map<String, List<String>>> rows = sides.run(() -> BothSides.rows(source, sourceSql, ChunkSql.keyBinds(mine, keyValues), mine.keyCount()),
        () -> BothSides.rows(destination, destinationSql, ChunkSql.keyBinds(theirs, keyValues), theirs.keyCount()));
    return RowDifferences.of(mine.table(), mine.columns(), mine.keyCount(), keys, rows.source(), rows.destination(), options.withholding());
  }

  /** The table is not there (or not visible to the connecting user) on one side. */
  public static class TableMissingException extends RuntimeException {
    public TableMissingException(String message) {
      super(message);
    }
  }
}
