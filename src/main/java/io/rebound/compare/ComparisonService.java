package io.rebound.compare;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rebound.audit.Redactor;
import io.rebound.compare.ComparisonStore.Comparison;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.compare.TableComparator.Options;
import io.rebound.compare.TableComparator.Side;
import io.rebound.target.ByDialect;
import io.rebound.target.Target;
import io.rebound.target.Targets;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Runs a comparison's tables a step at a time: splitting a table into chunks, then one chunk per call, each
 * call's result stored before the next. Knows nothing of the engine.
 */
@Service
public class ComparisonService {

  private final Targets targets;
  private final ComparisonStore store;
  private final ComparisonProperties properties;
  private final ByDialect<CompareSql> dialects;
  private final TableComparator comparator;
  private final RowDifferences.Withholding withholding;
  /** Prepared tables by comparison and name: the catalog is read once per node, not once per chunk. */
  private final Map<String, PreparedTable> prepared = new ConcurrentHashMap<>();
  /** How each table running on this node goes on: see {@link Pace}. */
  private final Map<String, Pace> paces = new ConcurrentHashMap<>();

  /**
   * How a table's next batch is compared.
   *
   * @param batch chunks in the batch (see {@link #MAX_BATCH})
   * @param expectDifferences the last chunk differed: the next are hashed by bucket at once, differences are likely
   */
  private record Pace(int batch, boolean expectDifferences) {
    static final Pace FIRST = new Pace(1, false);
  }

  /** Rows compared and bytes read back, by side: {@code rebound_comparison_rows_total}, {@code rebound_comparison_bytes_total}. */
  private final Counter sourceRows;
  private final Counter destinationRows;
  private final Counter sourceBytes;
  private final Counter destinationBytes;

  public ComparisonService(Targets targets, ComparisonStore store, List<CompareSql> sqls, ComparisonProperties properties,
      @Qualifier(ComparisonExecutors.SIDES) Executor sides) {
    this(targets, store, sqls, properties, sides, null, new CompositeMeterRegistry());
  }

  /**
   * With the audit trail's redactor (a value it would hide is withheld from results as well) and the registry the
   * comparison's row and byte counters go to.
   */
  @Autowired
  public ComparisonService(Targets targets, ComparisonStore store, List<CompareSql> sqls, ComparisonProperties properties,
      @Qualifier(ComparisonExecutors.SIDES) Executor sides, Redactor redactor, MeterRegistry metrics) {
    this.sourceRows = counter(metrics, "rebound.comparison.rows", "source", "Rows compared, by side");
    this.destinationRows = counter(metrics, "rebound.comparison.rows", "destination", "Rows compared, by side");
    this.sourceBytes = counter(metrics, "rebound.comparison.bytes", "source", "Bytes read back from each side (hashes, keys, rows)");
    this.destinationBytes = counter(metrics, "rebound.comparison.bytes", "destination", "Bytes read back from each side (hashes, keys, rows)");
    this.comparator = new TableComparator(sides);
    this.targets = targets;
    this.store = store;
    this.properties = properties;
    this.dialects = new ByDialect<>(sqls, "comparison");
    this.withholding = properties == null ? RowDifferences.Withholding.DEFAULT
        : RowDifferences.Withholding.of(properties.secretColumns(), redactor == null ? UnaryOperator.identity() : redactor::redact);
  }

  /** Splits the table into chunks of the comparison's size on the source's keys. */
  public int prepare(String comparisonId, String table) throws SQLException {
    Comparison comparison = comparison(comparisonId);
    TableRow row = store.table(comparisonId, table);
    List<KeyRange> ranges = withSides(comparison, (source, destination) -> {
      PreparedTable ready = prepared(comparison, row, source, destination);
      int chunkSize = row.spec().chunkSize() != null ? row.spec().chunkSize() : comparison.chunkSize();
      return comparator.chunks(source, ready, chunkSize, properties.maxChunkSize().toBytes());
    });
    store.prepared(comparisonId, table, ranges);
    return ranges.size();
  }

  /** How far a table is, in chunks: done before the call that answers, done now, and in all. */
  public record Progress(int before, int done, int total) {
    public boolean finished() {
      return done >= total;
    }
  }

  /**
   * Chunks hashed by each side on its own before they are compared, at most: neither side waits for the
   * other at every chunk. A batch starts at one chunk and doubles while batches take under a second, so a
   * slow table still shows and keeps its progress chunk by chunk.
   */
  static final int MAX_BATCH = 8;

  private static final long QUICK_BATCH_NANOS = 1_000_000_000L;

  /**
   * Compares the table's next chunks, a batch of them, and stores their results and the move past them in
   * one transaction of its own. Returns how far the table is.
   */
  public Progress compareNextChunks(String comparisonId, String table) throws SQLException {
    Comparison comparison = comparison(comparisonId);
    TableRow row = store.table(comparisonId, table);
    if (row.chunksDone() >= row.chunksTotal()) {
      return new Progress(row.chunksDone(), row.chunksDone(), row.chunksTotal());
    }
    String key = comparisonId + "/" + table;
    Pace pace = paces.getOrDefault(key, Pace.FIRST);
    int size = Math.min(pace.batch(), row.chunksTotal() - row.chunksDone());
    List<KeyRange> ranges = row.ranges().subList(row.chunksDone(), row.chunksDone() + size);
    store.attempt(comparisonId, table, size);
    Options options = new Options(Options.DEFAULT.buckets(), comparison.maxDifferences(), Options.DEFAULT.maxRowsFetched(), withholding);
    long started = System.nanoTime();
    List<ChunkResult> chunks = withSides(comparison, (source, destination) ->
        comparator.compare(source, destination, prepared(comparison, row, source, destination), ranges, options, pace.expectDifferences()));
    boolean quick = System.nanoTime() - started < QUICK_BATCH_NANOS;
    ChunkResult result = row.result();
    for (ChunkResult chunk : chunks) {
      result = result.plus(chunk, comparison.maxDifferences());
    }
    int done = row.chunksDone() + chunks.size();
    boolean finished = done >= row.chunksTotal();
    store.chunkDone(comparisonId, table, done, result, finished);
    // Counted once the chunks' results are stored: a batch that fails is compared again and counted then.
    for (ChunkResult chunk : chunks) {
      sourceRows.increment(chunk.sourceRows());
      destinationRows.increment(chunk.destinationRows());
      sourceBytes.increment(chunk.sourceBytes());
      destinationBytes.increment(chunk.destinationBytes());
    }
    if (finished) {
      prepared.remove(key);
      paces.remove(key);
    } else {
      paces.put(key, new Pace(quick ? Math.min(MAX_BATCH, size * 2) : Math.max(1, size / 2), !chunks.get(chunks.size() - 1).identical()));
    }
    return new Progress(row.chunksDone(), done, row.chunksTotal());
  }

  private static Counter counter(MeterRegistry metrics, String name, String side, String description) {
    return Counter.builder(name).tag("side", side).description(description).register(metrics);
  }

  public void failed(String comparisonId, String table, String error) {
    prepared.remove(comparisonId + "/" + table);
    paces.remove(comparisonId + "/" + table);
    store.failed(comparisonId, table, error);
  }

  private PreparedTable prepared(Comparison comparison, TableRow row, Side source, Side destination) throws SQLException {
    String key = comparison.id() + "/" + row.name();
    PreparedTable ready = prepared.get(key);
    if (ready == null) {
      ready = comparator.prepare(source, destination, row.spec());
      prepared.put(key, ready);
    }
    return ready;
  }

  /**
   * Runs work with a read-only transaction on each side, rolled back after, as the targets' comparison
   * accounts and within the configured statement and lock timeouts.
   */
  private <T> T withSides(Comparison comparison, BothSides.SessionWork<T> work) throws SQLException {
    Target sourceTarget = targets.get(comparison.source());
    Target destinationTarget = targets.get(comparison.destination());
    return BothSides.inReadOnlySessions(sourceTarget, sql(sourceTarget), destinationTarget, sql(destinationTarget), properties.sessionLimits(), work);
  }

  private CompareSql sql(Target target) {
    return dialects.of(target);
  }

  private Comparison comparison(String id) {
    return store.comparison(id).orElseThrow(() -> new IllegalStateException("no comparison " + id));
  }

}
