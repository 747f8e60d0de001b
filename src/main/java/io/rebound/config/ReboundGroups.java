package io.rebound.config;

/** The groups Rebound's authorizations are given to. */
public final class ReboundGroups {

  /** Start runbooks, follow them, read the audit trail. */
  public static final String OPERATORS = "rebound-operators";
  /** Approve or reject the destructive steps of a run requested by someone else. */
  public static final String APPROVERS = "rebound-approvers";
  /** Camunda's administrators: everything. */
  public static final String ADMINS = "camunda-admin";
  /**
   * Marks the demo's users, whose password is known; no authorization is given to it. The prod profile refuses
   * an engine database that holds any.
   */
  public static final String DEMO = "rebound-demo";

  private ReboundGroups() {}
}
