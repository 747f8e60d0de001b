package io.rebound.config;

import io.rebound.audit.Redactor;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.interceptor.CommandContextFactory;
import org.camunda.bpm.engine.impl.interceptor.CommandInvocationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A refusal is an answer, not a failure: a start form's typo, a guarded change, a four-eyes refusal. The engine
 * logs whatever ends a command at ERROR with its stack trace (ENGINE-16004), some 120 lines for a mistyped name;
 * a refusal is logged here instead, at INFO, in one line, redacted, and every other failure as the engine does.
 * Whichever way it came in (Rebound's API, the engine's REST API, the webapps' API behind Tasklist), a refusal ends
 * an engine command, so this is the one place that logs it.
 */
@Component
class RefusalLogging extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(RefusalLogging.class);

  private final Redactor redactor;

  RefusalLogging(Redactor redactor) {
    this.redactor = redactor;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    CommandContextFactory factory = new CommandContextFactory() {
      @Override
      public CommandContext createCommandContext() {
        return new RefusalAwareContext(processEngineConfiguration, RefusalLogging.this);
      }
    };
    factory.setProcessEngineConfiguration(configuration);
    configuration.setCommandContextFactory(factory);
  }

  /** Logs the refusal that ends a command, if one does: true when it was one (and so is logged). */
  boolean loggedRefusal(Throwable thrown) {
    RuntimeException refusal = thrown == null ? null : RefusalMappers.refusal(thrown);
    if (refusal == null) {
      return false;
    }
    LOG.info("Refused: {}", line(redactor.redact(String.valueOf(refusal.getMessage()))));
    return true;
  }

  /** The message on one line: what a user typed may hold line breaks. */
  static String line(String message) {
    return message.replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
  }

  /** The engine's command context, its failure logged as a refusal where it is one. */
  private static final class RefusalAwareContext extends CommandContext {

    private final RefusalLogging logging;

    RefusalAwareContext(ProcessEngineConfigurationImpl configuration, RefusalLogging logging) {
      super(configuration);
      this.logging = logging;
    }

    @Override
    protected boolean shouldLogCmdException() {
      // Asked only once the command failed, with its invocation still current.
      CommandInvocationContext invocation = Context.getCommandInvocationContext();
      if (invocation != null && logging.loggedRefusal(invocation.getThrowable())) {
        return false;
      }
      return super.shouldLogCmdException();
    }
  }
}
