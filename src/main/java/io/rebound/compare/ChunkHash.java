package io.rebound.compare;

import java.math.BigDecimal;

/**
 * A chunk's fingerprint on one side: its row count and two sums of 60-bit slices of each row's MD5, 120
 * bits in all. Sums do not depend on row order, so both sides can scan in whatever order suits them.
 */
public record ChunkHash(long rows, BigDecimal first, BigDecimal second) {

  public boolean matches(ChunkHash other) {
    return rows == other.rows && first.compareTo(other.first) == 0 && second.compareTo(other.second) == 0;
  }
}
