package io.rebound.compare;

import java.util.List;

/**
 * A half-open range of primary-key values, {@code [lower, upper)}, each bound the key's column values as
 * normalised text; a null bound is open. Ranges are all a chunk's state, so they are small and durable.
 */
public record KeyRange(List<String> lower, List<String> upper) {

  public static final KeyRange ALL = new KeyRange(null, null);

  public KeyRange {
    lower = lower == null ? null : List.copyOf(lower);
    upper = upper == null ? null : List.copyOf(upper);
  }

  /** Splits this range at the given keys (ascending, strictly inside the range) into consecutive ranges. */
  public List<KeyRange> splitAt(List<List<String>> keys) {
    java.util.List<KeyRange> parts = new java.util.ArrayList<>();
    List<String> from = lower;
    for (List<String> key : keys) {
      parts.add(new KeyRange(from, key));
      from = key;
    }
    parts.add(new KeyRange(from, upper));
    return parts;
  }
}
