package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A table cut into key ranges: by arithmetic on a whole-number key's ends, as many as its rows ask for. */
class KeyRangesTest {

  private static KeyRange range(String lower, String upper) {
    return new KeyRange(lower == null ? null : List.of(lower), upper == null ? null : List.of(upper));
  }

  @Test
  void shouldCutAWholeNumberKeysSpanIntoEqualSlicesWithTheEdgesOpen() {
    List<KeyRange> ranges = KeyRanges.slices(BigInteger.ONE, BigInteger.valueOf(100), 100, 25);

    assertThat(ranges).containsExactly(range(null, "1"), range("1", "26"), range("26", "51"), range("51", "76"), range("76", "101"),
        range("101", null));
  }

  @Test
  void shouldRoundTheSlicesUpSoThatNoneIsLeftOver() {
    assertThat(KeyRanges.slices(BigInteger.ZERO, BigInteger.valueOf(9), 101, 50))
        .as("three parts of 101 rows: slices of 4 keys").containsExactly(range(null, "0"), range("0", "4"), range("4", "8"), range("8", "10"),
            range("10", null));
  }

  @Test
  void shouldMakeOneSliceOfAnEmptyOrSmallTable() {
    assertThat(KeyRanges.slices(BigInteger.valueOf(5), BigInteger.valueOf(5), 0, 1000)).containsExactly(range(null, "5"), range("5", "6"),
        range("6", null));
    assertThat(KeyRanges.slices(BigInteger.valueOf(-20), BigInteger.valueOf(20), 1000, 1000)).containsExactly(range(null, "-20"),
        range("-20", "21"), range("21", null));
  }

  @Test
  void shouldMakeNoMoreSlicesThanTheSpanHasKeys() {
    assertThat(KeyRanges.slices(BigInteger.ONE, BigInteger.valueOf(3), 100, 10))
        .as("ten parts asked of three keys: one key a slice").containsExactly(range(null, "1"), range("1", "2"), range("2", "3"), range("3", "4"),
            range("4", null));
  }

  @Test
  void shouldSliceKeysPastALongsRange() {
    BigInteger min = new BigInteger("9223372036854775800");
    List<KeyRange> ranges = KeyRanges.slices(min, min.add(BigInteger.valueOf(99)), 4, 2);

    assertThat(ranges).containsExactly(range(null, "9223372036854775800"), range("9223372036854775800", "9223372036854775850"),
        range("9223372036854775850", "9223372036854775900"), range("9223372036854775900", null));
  }

  @Test
  void shouldTakeAsManyRowsAChunkAsFitItsBytes() {
    assertThat(KeyRanges.rowsPerChunk(1000, 100L, 1000L, 55)).as("10 bytes a row").isEqualTo(5);
    assertThat(KeyRanges.rowsPerChunk(1000, 100L, null, 55)).as("no size told").isEqualTo(1000);
    assertThat(KeyRanges.rowsPerChunk(1000, null, 1000L, 55)).isEqualTo(1000);
    assertThat(KeyRanges.rowsPerChunk(4, 100L, 1000L, 55)).as("never more than asked").isEqualTo(4);
  }
}
