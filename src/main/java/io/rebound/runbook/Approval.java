package io.rebound.runbook;

import java.util.List;
import java.util.function.Function;

/**
 * The approval of a runbook that destroys: its user task, and the destructive steps one approval
 * authorises, in the order they must run. One approval authorises one pass through these steps for the
 * plan it was given on; a step that already finished under it, or whose turn has not come, is refused.
 *
 * @param taskId the element id of the approval user task
 * @param pass the steps (as {@link AuditedStep#step()} names them) a request's pass is made of, in order
 * @param name what the task is called for a request, saying what is asked (e.g. "Approve reset of WINSTORE_ADMIN on
 *     demo (winstore_full_backup.dump)"); null keeps the model's name
 */
public record Approval<R>(String taskId, Function<R, List<String>> pass, Function<R, String> name) {

  /** An approval whose task keeps the name its model gives it. */
  public Approval(String taskId, Function<R, List<String>> pass) {
    this(taskId, pass, request -> null);
  }

  /** Decision variables: the only ones an approver may set, and only by completing the approval. */
  public static final String APPROVED = "approved";
  public static final String COMMENT = "comment";
  public static final List<String> DECISION = List.of(APPROVED, COMMENT);
}
