package io.rebound.recovery;

/**
 * What the decision table says a triage calls for.
 *
 * @param strategy how the database is recovered
 * @param mountNeeded whether the database must be mounted, not open, while it is recovered (a tablespace or datafile
 *     offline is enough otherwise)
 * @param renameNeeded whether files go to a new location and are renamed in the database
 * @param complete whether recovery replays every change (complete) or stops before the last one (incomplete)
 * @param dataLoss the consequence in the table's words: {@code none}, {@code after the point} or
 *     {@code after the last backup}
 */
public record StrategyDecision(Strategy strategy, boolean mountNeeded, boolean renameNeeded, boolean complete, String dataLoss) {

  public boolean mediaRecoveryNeeded() {
    return strategy != Strategy.INSTANCE_RECOVERY_ONLY;
  }
}
