package io.rebound.repair.reference;

import io.rebound.repair.Gap;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SortedSet;

/**
 * How marks and generators move in a repair, and which replicas a queue lacks. Marks move forward only,
 * so running a step again (a retry, a restart) never undoes what a run before it did.
 */
public final class RepairRules {

  private RepairRules() {}

  /**
   * Whether {@code key} is one the generator {@code start, start + increment, ...} makes. Each workstation's
   * generators make keys of their own residue, so the highest key of a table may be another workstation's.
   */
  public static boolean madeBy(long key, long start, long increment) {
    return key >= start && Math.floorMod(key - start, increment) == 0;
  }

  /**
   * The value to set a generator to so that its next key is past {@code highestOwnKey}; empty when it is
   * already past it (a generator never moves backwards).
   *
   * @param lastValue the generator's last value
   * @param called whether that value was handed out (PostgreSQL's {@code is_called})
   */
  public static OptionalLong generatorValue(long lastValue, boolean called, long increment, long highestOwnKey) {
    long handedOut = called ? lastValue : lastValue - increment;
    return highestOwnKey > handedOut ? OptionalLong.of(highestOwnKey) : OptionalLong.empty();
  }

  /**
   * The "sent up to" mark after a repair: what the server says it received. This is how the repair reads the
   * seed's "the real size of QueOut" for a queue whose tail never reached the server: moved to QueOut's end,
   * the mark would claim that tail sent, the normal cycle would never send it, and the other workstations
   * would never see those changes (their tables would diverge from ours for good). The replicas after the
   * mark are sent by the normal cycle once the repair mark is gone; a server takes an author's replica once
   * by its number, so one it held without counting it is not taken twice.
   *
   * <p>A restored mark lags behind the server, and the rule moves it up. A mark ahead of the server, and in
   * particular one past the end of QueOut, claims replicas the server never received: those after the
   * server's figure were applied by the repair as never sent (see {@link #firstUnsent}), and past QueOut's end
   * the next replicas packaged would take numbers the mark already calls sent and be skipped by the cycle.
   * The mark then moves back to the server's figure, the one place from which nothing is lost and nothing
   * sent twice. Both inputs stay as they are while the repair mark holds the normal cycle, so the step run
   * again (a retry, a restart) sets the same value.
   *
   * @throws IllegalStateException when QueOut ends before what the server received: the repair brings those
   *     replicas back from the server first, and a mark set to QueOut's end would let the next replica packaged
   *     reuse a number the server already holds
   */
  public static long sentMark(long serverSentUpTo, long queOutLast) {
    if (serverSentUpTo > queOutLast) {
      throw new IllegalStateException("QueOut ends at " + queOutLast + " but the server received our replicas up to " + serverSentUpTo
          + ": the sent mark is not moved until QueOut holds them (take them from the server first)");
    }
    return serverSentUpTo;
  }

  /** The "audit packaged up to" mark: the age of the newest replica QueOut holds, or the mark if further. */
  public static long auditPackaged(long current, long queOutLastAge) {
    return Math.max(current, queOutLastAge);
  }

  /** The audit age: past everything packaged and every audit row still waiting. */
  public static long auditAge(long current, long packaged, long highestAuditRow) {
    return Math.max(current, Math.max(packaged, highestAuditRow));
  }

  /**
   * The first QueOut replica that the repair applies as never sent: after both what the server received
   * and what an earlier attempt of this repair already applied.
   */
  public static long firstUnsent(long serverSentUpTo, long repairApplied) {
    return Math.max(serverSentUpTo, repairApplied) + 1;
  }

  /** The numbers from {@code from} to {@code upTo} (both included) missing in {@code present}, as ranges. */
  public static List<Gap> gaps(String queue, long from, long upTo, SortedSet<Long> present) {
    List<Gap> gaps = new ArrayList<>();
    long start = -1;
    for (long n = from; n <= upTo; n++) {
      boolean missing = !present.contains(n);
      if (missing && start < 0) {
        start = n;
      } else if (!missing && start >= 0) {
        gaps.add(new Gap(queue, start, n - 1));
        start = -1;
      }
    }
    if (start >= 0) {
      gaps.add(new Gap(queue, start, upTo));
    }
    return gaps;
  }
}
