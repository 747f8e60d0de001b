package io.rebound.restore;

import java.util.List;

/**
 * What the verify step did with one sequence that feeds columns of the restored schema: the value it would
 * have handed out next before, the value it hands out next now, and the highest value of the columns it
 * feeds. A sequence is only ever moved forward, and only when it belongs to the restored schema.
 *
 * @param sequence {@code schema.sequence}
 * @param feeds the columns it feeds, {@code schema.table.column}, and how (default, owned, identity,
 *     trigger, profile, name)
 * @param highest the highest value in those columns; null when they hold no rows
 * @param before the value it would have handed out next; null when it could not be read
 * @param after the value it hands out next now; null when it could not be read
 * @param outcome what was done
 * @param note why, for outcomes other than {@link Outcome#MOVED} and {@link Outcome#ALREADY_PAST}
 */
public record SequenceResync(String sequence, List<String> feeds, Long highest, Long before, Long after, Outcome outcome, String note) {

  /** What the verify step did with the sequence. */
  public enum Outcome {
    /** Moved past the highest value of the columns it feeds. */
    MOVED,
    /** Already past that value: left as it was. */
    ALREADY_PAST,
    /**
     * Left alone: it is outside the restored schema (possibly shared with others), it counts down, or the
     * column it feeds could not be told. Reported, and named as a problem when it is behind.
     */
    NOT_MOVED
  }

  public SequenceResync {
    feeds = List.copyOf(feeds);
  }

  /** The next value it hands out is one the columns it feeds already hold: the next insert can fail. */
  public boolean behind() {
    return highest != null && after != null && after <= highest;
  }

  /** One line for the run's summary. */
  public String describe() {
    String feeding = " (feeds " + String.join(", ", feeds) + (highest == null ? ", no rows" : ", highest " + highest) + ")";
    return switch (outcome) {
      case MOVED -> sequence + " moved from " + before + " to " + after + feeding;
      case ALREADY_PAST -> sequence + " left at " + after + ", already past" + feeding;
      case NOT_MOVED -> sequence + " NOT MOVED: " + note + (after == null ? "" : "; next value " + after) + feeding
          + (behind() ? ": BEHIND, the next insert that takes its value fails until it is moved past " + highest : "");
    };
  }
}
