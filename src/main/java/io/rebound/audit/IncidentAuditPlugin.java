package io.rebound.audit;

import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.incident.DefaultIncidentHandler;
import org.camunda.bpm.engine.impl.incident.IncidentContext;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;

/**
 * Puts incidents and their resolution in the audit trail: when a step has used up its retries, and when
 * an operator sets retries again (from Cockpit or REST), with who did it.
 */
@Component
public class IncidentAuditPlugin extends AbstractProcessEnginePlugin {

  private final AuditTrail audit;

  public IncidentAuditPlugin(AuditTrail audit) {
    this.audit = audit;
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    configuration.setCustomIncidentHandlers(List.of(new AuditingIncidentHandler(audit)));
  }

  static final class AuditingIncidentHandler extends DefaultIncidentHandler {

    private final AuditTrail audit;

    AuditingIncidentHandler(AuditTrail audit) {
      super(Incident.FAILED_JOB_HANDLER_TYPE);
      this.audit = audit;
    }

    @Override
    public Incident handleIncident(IncidentContext context, String message) {
      Incident incident = super.handleIncident(context, message);
      if (incident.getProcessInstanceId() != null) {
        audit.record(incident.getProcessInstanceId(), AuditEventType.INCIDENT, context.getActivityId(), "rebound",
            "retries exhausted: " + message, Map.of("incidentId", incident.getId(), "jobId", String.valueOf(context.getConfiguration())));
      }
      return incident;
    }

    @Override
    public void resolveIncident(IncidentContext context) {
      CommandContext commandContext = Context.getCommandContext();
      List<Incident> open = commandContext.getIncidentManager().findIncidentByConfiguration(context.getConfiguration());
      super.resolveIncident(context);
      String actor = commandContext.getAuthenticatedUserId();
      for (Incident incident : open) {
        if (incident.getProcessInstanceId() != null) {
          audit.record(incident.getProcessInstanceId(), AuditEventType.RETRY, incident.getActivityId(), actor == null ? "rebound" : actor,
              "retries set again: incident resolved, step will run again", Map.of("incidentId", incident.getId()));
        }
      }
    }
  }
}
