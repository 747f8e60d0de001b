package io.rebound.config;

import org.camunda.bpm.spring.boot.starter.rest.CamundaJerseyResourceConfig;
import org.springframework.stereotype.Component;

/** The engine's REST API, plus Rebound's answers to refused inputs and refused approvals. */
@Component
public class EngineRestConfiguration extends CamundaJerseyResourceConfig {

  @Override
  protected void registerAdditionalResources() {
    register(RefusalMappers.Direct.class);
    register(RefusalMappers.InEngineException.class);
    register(RefusalMappers.InRestException.class);
  }
}
