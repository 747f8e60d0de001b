package io.rebound.compare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What both sides' answers about a chunk say, without reading anything: which buckets differ, in batches of
 * rows to fetch, which rows are missing on either side or different (counted exactly, keys sampled up to a
 * cap), which of the different rows to read again for their columns ({@link RowDifferences}), and the chunk's
 * result. A chunk is identical only where every bucket's rows and hashes are the same on both sides.
 */
final class ChunkDiff {

  private ChunkDiff() {}

  /** About the size of a bucket's row on the wire: number, count and two sums. */
  static final long BUCKET_BYTES = 48;

  /**
   * Both sides' hashes of a range, by bucket: their rows, the buckets that differ with the larger of their
   * two row counts, and what reading them took.
   */
  record BucketHashes(long sourceRows, long destinationRows, List<Long> differing, Map<Long, Long> rows, long sourceBytes,
      long destinationBytes) {

    /** A bucket differs where either side has none or their rows or sums are not the same. */
    static BucketHashes of(Map<Long, ChunkHash> sourceBuckets, Map<Long, ChunkHash> destinationBuckets) {
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
      return new BucketHashes(sourceBuckets.values().stream().mapToLong(ChunkHash::rows).sum(),
          destinationBuckets.values().stream().mapToLong(ChunkHash::rows).sum(), differing, rows, BUCKET_BYTES * sourceBuckets.size(),
          BUCKET_BYTES * destinationBuckets.size());
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

  /** One side's rows of some buckets: row hashes by key text, each key's values by its text, and the bytes they took. */
  record RowHashes(Map<String, String> hashes, Map<String, List<String>> keys, long bytes) {}

  /**
   * The rows of some buckets compared by key: a key on one side only is a missing row, a key on both with
   * other hashes a different row. Counts are exact; at most {@code maxSamples} keys are kept of each kind.
   */
  static ChunkResult rows(RowHashes source, RowHashes destination, int maxSamples) {
    List<String> missingInDestination = new ArrayList<>();
    List<String> different = new ArrayList<>();
    long missingInDestinationCount = 0;
    long differentCount = 0;
    for (Map.Entry<String, String> row : source.hashes().entrySet()) {
      String other = destination.hashes().get(row.getKey());
      if (other == null) {
        missingInDestinationCount++;
        sample(missingInDestination, row.getKey(), maxSamples);
      } else if (!other.equals(row.getValue())) {
        differentCount++;
        sample(different, row.getKey(), maxSamples);
      }
    }
    List<String> missingInSource = new ArrayList<>();
    long missingInSourceCount = 0;
    for (String key : destination.hashes().keySet()) {
      if (!source.hashes().containsKey(key)) {
        missingInSourceCount++;
        sample(missingInSource, key, maxSamples);
      }
    }
    return new ChunkResult(source.hashes().size(), destination.hashes().size(), missingInDestinationCount, missingInSourceCount, differentCount,
        missingInDestination, missingInSource, different, source.bytes(), destination.bytes(), 0,
        source.hashes().size() + destination.hashes().size());
  }

  private static void sample(List<String> samples, String key, int maxSamples) {
    if (samples.size() < maxSamples) {
      samples.add(key);
    }
  }

  /**
   * The sampled different keys whose rows are read again to name the columns that differ: the first ones, no
   * more than the samples kept and {@link RowDifferences#MAX_ROWS}.
   */
  static List<String> toDetail(ChunkResult rows, int maxSamples) {
    List<String> different = rows.differentKeys();
    return different.subList(0, Math.min(different.size(), Math.min(maxSamples, RowDifferences.MAX_ROWS)));
  }

  /**
   * A chunk's result: its rows as its hashes count them, the rows its drill found missing or different, and
   * all that reading it took, the hashes by bucket included where the chunk was hashed whole first.
   *
   * @param first the chunk's hashes as first read: whole, or by bucket where differences were expected
   * @param again its hashes by bucket where it was hashed whole first and differed, else null
   * @param rows what the drill into its differing buckets found
   */
  static ChunkResult chunk(BucketHashes first, BucketHashes again, ChunkResult rows) {
    BucketHashes bucketed = again == null ? first : again;
    long sourceBytes = first.sourceBytes() + (again == null ? 0 : again.sourceBytes());
    long destinationBytes = first.destinationBytes() + (again == null ? 0 : again.destinationBytes());
    return new ChunkResult(bucketed.sourceRows(), bucketed.destinationRows(), rows.missingInDestination(), rows.missingInSource(),
        rows.different(), rows.missingInDestinationKeys(), rows.missingInSourceKeys(), rows.differentKeys(),
        sourceBytes + rows.sourceBytes(), destinationBytes + rows.destinationBytes(), 1, rows.rowsFetched(), rows.differentRows());
  }

  /** A key as a person reads it: one value, or the values in parentheses. */
  static String keyText(List<String> values) {
    return values.size() == 1 ? String.valueOf(values.get(0)) : "(" + String.join(", ", values.stream().map(String::valueOf).toList()) + ")";
  }
}
