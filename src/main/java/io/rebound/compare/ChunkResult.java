package io.rebound.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * What comparing some chunks found. Counts are exact; sample keys are capped.
 *
 * @param sourceRows rows in the source's chunks
 * @param destinationRows rows in the destination's chunks
 * @param missingInDestination rows whose key is only in the source
 * @param missingInSource rows whose key is only in the destination
 * @param different rows with the key on both sides and other values
 * @param sourceBytes bytes read back from the source (hashes, keys, row hashes)
 * @param destinationBytes the same from the destination
 * @param differentRows for the first of the sampled different rows ({@link RowDifferences#MAX_ROWS} at most), the
 *     columns that differ and both values, secrets withheld; empty in results stored before it was recorded
 */
public record ChunkResult(long sourceRows, long destinationRows, long missingInDestination, long missingInSource, long different,
    List<String> missingInDestinationKeys, List<String> missingInSourceKeys, List<String> differentKeys,
    long sourceBytes, long destinationBytes, long chunksHashed, long rowsFetched, List<RowDifferences.Row> differentRows) {

  public static final ChunkResult EMPTY = new ChunkResult(0, 0, 0, 0, 0, List.of(), List.of(), List.of(), 0, 0, 0, 0);

  public ChunkResult {
    missingInDestinationKeys = List.copyOf(missingInDestinationKeys);
    missingInSourceKeys = List.copyOf(missingInSourceKeys);
    differentKeys = List.copyOf(differentKeys);
    differentRows = differentRows == null ? List.of() : List.copyOf(differentRows);
  }

  /** A result without the columns of its different rows. */
  public ChunkResult(long sourceRows, long destinationRows, long missingInDestination, long missingInSource, long different,
      List<String> missingInDestinationKeys, List<String> missingInSourceKeys, List<String> differentKeys,
      long sourceBytes, long destinationBytes, long chunksHashed, long rowsFetched) {
    this(sourceRows, destinationRows, missingInDestination, missingInSource, different, missingInDestinationKeys, missingInSourceKeys,
        differentKeys, sourceBytes, destinationBytes, chunksHashed, rowsFetched, List.of());
  }

  /** The same result with the columns of its different rows. */
  public ChunkResult withDifferentRows(List<RowDifferences.Row> rows) {
    return new ChunkResult(sourceRows, destinationRows, missingInDestination, missingInSource, different, missingInDestinationKeys,
        missingInSourceKeys, differentKeys, sourceBytes, destinationBytes, chunksHashed, rowsFetched, rows);
  }

  public boolean identical() {
    return differences() == 0;
  }

  /** Rows that are not the same on both sides, whichever way. */
  public long differences() {
    return missingInDestination + missingInSource + different;
  }

  /** Both results together, samples capped at {@code maxSamples} each. */
  public ChunkResult plus(ChunkResult other, int maxSamples) {
    return new ChunkResult(sourceRows + other.sourceRows, destinationRows + other.destinationRows,
        missingInDestination + other.missingInDestination, missingInSource + other.missingInSource, different + other.different,
        capped(missingInDestinationKeys, other.missingInDestinationKeys, maxSamples), capped(missingInSourceKeys, other.missingInSourceKeys, maxSamples),
        capped(differentKeys, other.differentKeys, maxSamples), sourceBytes + other.sourceBytes, destinationBytes + other.destinationBytes,
        chunksHashed + other.chunksHashed, rowsFetched + other.rowsFetched,
        capped(differentRows, other.differentRows, Math.min(maxSamples, RowDifferences.MAX_ROWS)));
  }

  private static <T> List<T> capped(List<T> a, List<T> b, int max) {
    if (a.size() >= max || b.isEmpty()) {
      return a.size() > max ? a.subList(0, max) : a;
    }
    List<T> all = new ArrayList<>(a);
    for (T key : b) {
      if (all.size() >= max) {
        break;
      }
      all.add(key);
    }
    return all;
  }
}
