package io.rebound.compare;

import java.math.BigDecimal;

/**
 * A chunk's (or bucket's) fingerprint on one side: its row count and sums of its rows' hashes, either two
 * sums of 60-bit slices of each row's MD5 (120 bits) or one sum of 64-bit typed hashes and a zero. Sums do
 * not depend on row order, so both sides can scan in whatever order suits them.
 */
public record ChunkHash(long rows, BigDecimal first, BigDecimal second) {

  public boolean matches(ChunkHash other) {
    return rows == other.rows && same(first, other.first) && same(second, other.second);
  }

  /** Sums of no rows are NULL. */
  private static boolean same(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }
}
