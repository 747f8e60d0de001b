package io.rebound.recovery;

/**
 * The decision table as the runbook evaluates it, for the tests of a dialect's package: what a dialect's triage is decided
 * as, and so which commands it must build.
 */
public final class StrategyTables {

  private static final RecoveryStrategyTable TABLE = new RecoveryStrategyTable();

  private StrategyTables() {}

  public static StrategyDecision decide(Triage triage, boolean pointRequested) {
    return TABLE.decide(triage, pointRequested);
  }
}
