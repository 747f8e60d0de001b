package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.compare.ChunkDiff.BucketHashes;
import io.rebound.compare.ChunkDiff.RowHashes;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What both sides' answers about a chunk say: the buckets that differ, the rows missing or different, the chunk's result. */
class ChunkDiffTest {

  private static ChunkHash hash(long rows, long first, long second) {
    return new ChunkHash(rows, BigDecimal.valueOf(first), BigDecimal.valueOf(second));
  }

  @Test
  void shouldFindTheBucketsThatDifferWithTheLargerOfTheirRowCounts() {
    Map<Long, ChunkHash> source = Map.of(0L, hash(10, 1, 2), 1L, hash(20, 3, 4), 2L, hash(5, 5, 6), 4L, hash(7, 7, 8));
    Map<Long, ChunkHash> destination = Map.of(0L, hash(10, 1, 2), 1L, hash(21, 3, 4), 2L, hash(5, 5, 9), 3L, hash(9, 1, 1));

    BucketHashes hashes = BucketHashes.of(source, destination);

    assertThat(hashes.differing()).as("in bucket order: more rows, other sums, only in the destination, only in the source")
        .containsExactly(1L, 2L, 3L, 4L);
    assertThat(hashes.rows()).isEqualTo(Map.of(1L, 21L, 2L, 5L, 3L, 9L, 4L, 7L));
    assertThat(hashes.sourceRows()).isEqualTo(42);
    assertThat(hashes.destinationRows()).isEqualTo(45);
    assertThat(hashes.sourceBytes()).isEqualTo(4 * ChunkDiff.BUCKET_BYTES);
    assertThat(hashes.destinationBytes()).isEqualTo(4 * ChunkDiff.BUCKET_BYTES);
    assertThat(BucketHashes.of(Map.of(0L, hash(3, 1, 2)), Map.of(0L, new ChunkHash(3, new BigDecimal("1.0"), new BigDecimal("2")))).differing())
        .as("equal sums whatever their scale").isEmpty();
  }

  @Test
  void shouldTellEmptySidesApartFromEqualOnes() {
    ChunkHash none = new ChunkHash(0, null, null);

    assertThat(BucketHashes.of(Map.of(0L, none), Map.of(0L, none)).differing()).as("both empty").isEmpty();
    assertThat(BucketHashes.of(Map.of(0L, none), Map.of(0L, hash(0, 0, 0))).differing()).as("no sum is not a sum of zero").containsExactly(0L);
    assertThat(BucketHashes.of(Map.of(0L, hash(0, 0, 0)), Map.of(0L, none)).differing()).containsExactly(0L);
    BucketHashes onlyDestination = BucketHashes.of(Map.of(), Map.of(7L, hash(4, 1, 1)));
    assertThat(onlyDestination.differing()).containsExactly(7L);
    assertThat(onlyDestination.rows()).isEqualTo(Map.of(7L, 4L));
    assertThat(onlyDestination.sourceBytes()).isZero();
    assertThat(BucketHashes.of(Map.of(), Map.of()).differing()).isEmpty();
  }

  @Test
  void shouldBatchDifferingBucketsUpToTheRowsFetchedAtOnce() {
    Map<Long, Long> rows = Map.of(1L, 60L, 2L, 40L, 3L, 1L);

    assertThat(ChunkDiff.batches(List.of(1L, 2L, 3L), rows, 100)).as("a batch may hold exactly the rows fetched at once")
        .containsExactly(List.of(1L, 2L), List.of(3L));
    assertThat(ChunkDiff.batches(List.of(1L, 9L, 2L), rows, 100)).as("a bucket with no rows counted costs nothing")
        .containsExactly(List.of(1L, 9L, 2L));
  }

  @Test
  void shouldCountEveryMissingAndDifferentRowAndSampleTheirKeys() {
    RowHashes source = rows(Map.of("1", "a", "2", "b", "3", "c", "4", "d", "5", "e"), 50);
    RowHashes destination = rows(Map.of("1", "a", "2", "B", "3", "C", "6", "f", "7", "g", "8", "h"), 60);

    ChunkResult result = ChunkDiff.rows(source, destination, 2);

    assertThat(result.sourceRows()).isEqualTo(5);
    assertThat(result.destinationRows()).isEqualTo(6);
    assertThat(result.missingInDestination()).isEqualTo(2);
    assertThat(result.missingInDestinationKeys()).containsExactlyInAnyOrder("4", "5");
    assertThat(result.different()).isEqualTo(2);
    assertThat(result.differentKeys()).containsExactlyInAnyOrder("2", "3");
    assertThat(result.missingInSource()).as("counted past the samples kept").isEqualTo(3);
    assertThat(result.missingInSourceKeys()).hasSize(2).isSubsetOf("6", "7", "8");
    assertThat(result.sourceBytes()).isEqualTo(50);
    assertThat(result.destinationBytes()).isEqualTo(60);
    assertThat(result.rowsFetched()).isEqualTo(11);
    assertThat(result.chunksHashed()).isZero();
    assertThat(result.differentRows()).isEmpty();
  }

  @Test
  void shouldFindNothingWhereEveryRowIsOnBothSidesAlike() {
    ChunkResult result = ChunkDiff.rows(rows(Map.of("1", "a", "2", "b"), 4), rows(Map.of("1", "a", "2", "b"), 4), 20);

    assertThat(result.identical()).isTrue();
    assertThat(result.missingInDestinationKeys()).isEmpty();
    assertThat(result.missingInSourceKeys()).isEmpty();
    assertThat(result.differentKeys()).isEmpty();
    assertThat(result.rowsFetched()).isEqualTo(4);
  }

  @Test
  void shouldReadAgainTheFirstDifferentRowsNoMoreThanSampledOrShown() {
    ChunkResult twelve = new ChunkResult(12, 12, 0, 0, 12, List.of(), List.of(),
        List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"), 0, 0, 0, 24);

    assertThat(ChunkDiff.toDetail(twelve, 20)).as("at most the rows shown").containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    assertThat(ChunkDiff.toDetail(twelve, 3)).as("at most the samples kept").containsExactly("a", "b", "c");
    assertThat(ChunkDiff.toDetail(twelve.plus(ChunkResult.EMPTY, 2), 20)).containsExactly("a", "b");
    assertThat(ChunkDiff.toDetail(ChunkResult.EMPTY, 20)).isEmpty();
  }

  @Test
  void shouldMakeAChunksResultFromItsHashesAndItsDrill() {
    BucketHashes whole = BucketHashes.of(Map.of(0L, hash(100, 1, 1)), Map.of(0L, hash(99, 2, 2)));
    BucketHashes byBucket = BucketHashes.of(Map.of(3L, hash(60, 1, 1), 5L, hash(40, 1, 1)), Map.of(3L, hash(60, 1, 1), 5L, hash(39, 2, 2)));
    RowDifferences.Row row = new RowDifferences.Row("17", List.of());
    ChunkResult drill = new ChunkResult(40, 39, 1, 0, 1, List.of("18"), List.of(), List.of("17"), 400, 390, 0, 79).withDifferentRows(List.of(row));

    ChunkResult hashedAgain = ChunkDiff.chunk(whole, byBucket, drill);

    assertThat(hashedAgain.sourceRows()).as("the rows as the hashes count them, not the drill").isEqualTo(100);
    assertThat(hashedAgain.destinationRows()).isEqualTo(99);
    assertThat(hashedAgain.missingInDestination()).isEqualTo(1);
    assertThat(hashedAgain.missingInSource()).isZero();
    assertThat(hashedAgain.different()).isEqualTo(1);
    assertThat(hashedAgain.missingInDestinationKeys()).containsExactly("18");
    assertThat(hashedAgain.differentKeys()).containsExactly("17");
    assertThat(hashedAgain.differentRows()).containsExactly(row);
    assertThat(hashedAgain.sourceBytes()).as("whole, by bucket and the drill").isEqualTo(48 + 96 + 400);
    assertThat(hashedAgain.destinationBytes()).isEqualTo(48 + 96 + 390);
    assertThat(hashedAgain.chunksHashed()).isEqualTo(1);
    assertThat(hashedAgain.rowsFetched()).isEqualTo(79);

    BucketHashes expected = BucketHashes.of(Map.of(3L, hash(60, 1, 1)), Map.of(3L, hash(61, 1, 1), 4L, hash(2, 1, 1)));
    ChunkResult once = ChunkDiff.chunk(expected, null, ChunkResult.EMPTY);
    assertThat(once.sourceRows()).isEqualTo(60);
    assertThat(once.destinationRows()).isEqualTo(63);
    assertThat(once.sourceBytes()).as("hashed by bucket once").isEqualTo(48);
    assertThat(once.destinationBytes()).isEqualTo(96);
    assertThat(once.identical()).isTrue();
  }

  @Test
  void shouldWriteAKeyAsAPersonReadsIt() {
    assertThat(ChunkDiff.keyText(List.of("17"))).isEqualTo("17");
    assertThat(ChunkDiff.keyText(List.of("17", "3"))).isEqualTo("(17, 3)");
    assertThat(ChunkDiff.keyText(java.util.Arrays.asList("a", null))).isEqualTo("(a, null)");
    assertThat(ChunkDiff.keyText(java.util.Collections.singletonList(null))).isEqualTo("null");
  }

  private static RowHashes rows(Map<String, String> hashes, long bytes) {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    hashes.keySet().forEach(key -> keys.put(key, List.of(key)));
    return new RowHashes(new HashMap<>(hashes), keys, bytes);
  }
}
