package io.rebound.runbook;

import java.util.function.Supplier;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.batch.RestartProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractModificationCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRestartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteDeploymentCmd;
import org.camunda.bpm.engine.impl.cmd.DeployCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskBpmnErrorCmd;
import org.camunda.bpm.engine.impl.cmd.HandleTaskEscalationCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceAsyncCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.SignalCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceAtActivitiesCmd;
import org.camunda.bpm.engine.impl.cmd.batch.DeleteProcessInstanceBatchCmd;
import org.camunda.bpm.engine.impl.cmd.batch.variables.SetVariablesToProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.migration.AbstractMigrationCmd;

/**
 * Refuses, for everyone and from any API (Java, {@code /engine-rest}, the webapps), every engine command
 * that would move a run other than through its model, or run code nobody reviewed:
 * <ul>
 *   <li>start instructions ({@code startBeforeActivity}, {@code startAfterActivity}, {@code startTransition}),
 *       process-instance modification, restart and migration, synchronous or as batches: a token placed
 *       inside a runbook would run its steps past the approval, or a second time after it;</li>
 *   <li>signalling an execution, and a BPMN error or escalation thrown from a task: each moves a run past
 *       a wait (the approval among them) without the decision the model asks for;</li>
 *   <li>batches that change variables or cancel runs: a batch runs later without its author's name, so
 *       the change would reach neither the variable guard's refusal nor the audit trail as theirs;</li>
 *   <li>deployments by a user: Rebound deploys its own runbooks at start; a model deployed later could run
 *       anything on a target with no approval and no audit trail. Nor does a user delete a deployment: its
 *       runs would end unrecorded as such, and the runbooks could not be deployed back until a restart.</li>
 * </ul>
 * Rebound's engine runs only runbooks, so these are refused whichever process they name. A run that must
 * not go on is cancelled (deleted, one at a time) and started anew.
 */
final class CommandGuard extends CommandInterceptor {

  private final Supplier<IdentityService> identity;

  CommandGuard(Supplier<IdentityService> identity) {
    this.identity = identity;
  }

  @Override
  public <T> T execute(Command<T> command) {
    String refused = refused(command, authenticated());
    if (refused != null) {
      throw new RunbookGuardException(refused + " is refused: a runbook runs only from its start event, through its approval, "
          + "as its model says. Cancel the run and start a new one instead.");
    }
    return next.execute(command);
  }

  private boolean authenticated() {
    Authentication authentication = identity.get().getCurrentAuthentication();
    return authentication != null && authentication.getUserId() != null;
  }

  static String refused(Command<?> command, boolean byAUser) {
    if (command instanceof StartProcessInstanceAtActivitiesCmd) {
      return "starting a run with start instructions";
    }
    if (command instanceof ModifyProcessInstanceCmd || command instanceof ModifyProcessInstanceAsyncCmd
        || command instanceof AbstractModificationCmd<?>) {
      return "process instance modification";
    }
    if (command instanceof AbstractRestartProcessInstanceCmd<?> || command instanceof RestartProcessInstancesBatchCmd) {
      return "restarting a run";
    }
    if (command instanceof AbstractMigrationCmd) {
      return "process instance migration";
    }
    if (command instanceof SignalCmd) {
      return "signalling a waiting run";
    }
    if (command instanceof HandleTaskBpmnErrorCmd || command instanceof HandleTaskEscalationCmd) {
      return "throwing a BPMN error or escalation from a task";
    }
    if (command instanceof SetVariablesToProcessInstancesBatchCmd) {
      return "setting variables of runs in a batch";
    }
    if (command instanceof DeleteProcessInstanceBatchCmd) {
      return "cancelling runs in a batch";
    }
    if (byAUser && command instanceof DeployCmd) {
      return "deploying a process";
    }
    if (byAUser && command instanceof DeleteDeploymentCmd) {
      return "deleting a deployment";
    }
    return null;
  }
}
