package io.rebound.config;

import org.camunda.bpm.spring.boot.starter.rest.CamundaJerseyResourceConfig;
import org.springframework.stereotype.Component;

/** The engine's REST API, plus Rebound's answer to refused inputs. */
@Component
public class EngineRestConfiguration extends CamundaJerseyResourceConfig {

  @Override
  protected void registerAdditionalResources() {
    register(InvalidInputExceptionMapper.class);
    register(ApprovalRefusedMapper.class);
  }
}
