package io.rebound.runbook;

import org.camunda.bpm.engine.impl.batch.RestartProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.cmd.batch.variables.SetVariablesToProcessInstancesBatchCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractModificationCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractRestartProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceAsyncCmd;
import org.camunda.bpm.engine.impl.cmd.ModifyProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.StartProcessInstanceAtActivitiesCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.migration.AbstractMigrationCmd;

/**
 * Refuses every engine command that places a token somewhere other than a runbook's start event: start
 * instructions ({@code startBeforeActivity}, {@code startAfterActivity}, {@code startTransition}),
 * process-instance modification, restart and migration, synchronous or as batches, from any API (Java,
 * {@code /engine-rest}, the webapps). A token placed inside a runbook would run its steps past the
 * approval, or a second time after it. Batches of variable changes are refused for the same reason as
 * single ones (see {@link VariableGuard}).
 *
 * <p>Rebound's engine runs only runbooks (each process it deploys is one), so these commands are refused
 * whichever process they name. A run that must not go on is cancelled (deleted) and started anew.
 */
final class TokenPlacementGuard extends CommandInterceptor {

  @Override
  public <T> T execute(Command<T> command) {
    String refused = refused(command);
    if (refused != null) {
      throw new RunbookGuardException(refused + " is refused: a runbook runs only from its start event, through its approval. "
          + "Cancel the run and start a new one instead.");
    }
    return next.execute(command);
  }

  static String refused(Command<?> command) {
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
    if (command instanceof SetVariablesToProcessInstancesBatchCmd) {
      return "setting variables of runs";
    }
    return null;
  }
}
