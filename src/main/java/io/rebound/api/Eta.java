package io.rebound.api;

import java.util.List;
import java.util.Optional;

/**
 * When a step that reports its progress in percent should end, at the rate it has risen since it last started
 * rising. A drop (the next job of the run starting again from 0) starts a new rise.
 */
final class Eta {

  private Eta() {}

  /**
   * @param points {@code [epoch millis, percent]}, oldest first
   * @param now the current time, in epoch millis: an estimate is never earlier
   * @return the estimated end, in epoch millis; empty without a rise to measure or once done
   */
  static Optional<Long> estimate(List<long[]> points, long now) {
    if (points.isEmpty()) {
      return Optional.empty();
    }
    int last = points.size() - 1;
    int start = last;
    while (start > 0 && points.get(start - 1)[1] <= points.get(start)[1]) {
      start--;
    }
    long[] from = points.get(start);
    long[] to = points.get(last);
    long risen = to[1] - from[1];
    long took = to[0] - from[0];
    if (to[1] >= 100 || risen <= 0 || took <= 0) {
      return Optional.empty();
    }
    long remaining = Math.round((double) took * (100 - to[1]) / risen);
    return Optional.of(Math.max(now, to[0] + remaining));
  }
}
