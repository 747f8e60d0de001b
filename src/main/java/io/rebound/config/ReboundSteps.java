package io.rebound.config;

import org.springframework.stereotype.Component;

/**
 * Step settings as the BPMN models read them ({@code ${reboundSteps.retryCycle}}), so that retry cycles,
 * the approval timeout and poll intervals are configuration, not model edits.
 */
@Component("reboundSteps")
public class ReboundSteps {

  private final ReboundProperties.Steps steps;

  public ReboundSteps(ReboundProperties properties) {
    this.steps = properties.steps();
  }

  public String getRetryCycle() {
    return steps.retryCycle();
  }

  public String getApprovalTimeout() {
    return steps.approvalTimeout().toString();
  }

  public String getPollInterval() {
    return steps.pollInterval().toString();
  }
}
