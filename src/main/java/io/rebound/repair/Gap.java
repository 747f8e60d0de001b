package io.rebound.repair;

/**
 * Replicas a queue still lacks, by number: from {@code from} to {@code to}, both included; {@code to} is
 * {@link Long#MAX_VALUE} for "whatever the server has from there on".
 *
 * @param queue {@code QueIn} (numbers of the common stream) or {@code QueOut} (our own numbers)
 */
public record Gap(String queue, long from, long to) {

  public static final String QUE_IN = "QueIn";
  public static final String QUE_OUT = "QueOut";

  public Gap {
    if (!QUE_IN.equals(queue) && !QUE_OUT.equals(queue)) {
      throw new IllegalArgumentException("a gap is in QueIn or QueOut, not " + queue);
    }
    if (from < 1 || to < from) {
      throw new IllegalArgumentException("a gap runs from 1 or more to no less than its start: " + from + ".." + to);
    }
  }

  public boolean openEnded() {
    return to == Long.MAX_VALUE;
  }

  @Override
  public String toString() {
    return queue + " " + from + ".." + (openEnded() ? "" : String.valueOf(to));
  }
}
