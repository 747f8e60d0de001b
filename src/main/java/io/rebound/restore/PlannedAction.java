package io.rebound.restore;

import java.util.List;

/**
 * One thing a step will do to the target, exactly as it will be run.
 *
 * @param kind {@link Kind#SQL} runs {@code sql} with {@code binds}; {@link Kind#SET_PASSWORD} sets the
 *     configured password of {@code user} (the password is never part of the plan)
 * @param sql the statement or PL/SQL block; identifiers in it are validated and quoted
 * @param binds bind values, in order
 * @param user the account a password action is for
 */
public record PlannedAction(Kind kind, String sql, List<String> binds, String user) {

  public enum Kind { SQL, SET_PASSWORD }

  public PlannedAction {
    binds = binds == null ? List.of() : List.copyOf(binds);
  }

  public static PlannedAction sql(String sql, String... binds) {
    return new PlannedAction(Kind.SQL, sql, List.of(binds), null);
  }

  public static PlannedAction setPassword(String user, String description) {
    return new PlannedAction(Kind.SET_PASSWORD, description, List.of(), user);
  }

  /** How the action reads in the plan and the audit trail. */
  public String describe() {
    return binds.isEmpty() ? sql : sql + "  -- binds: " + String.join(", ", binds);
  }
}
