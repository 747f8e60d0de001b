package io.rebound.runbook;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Rebound's own deployment of its models and forms, in place of the starter's: see {@link StartForms}. */
@Configuration(proxyBeanMethods = false)
class StartFormsConfiguration {

  @Bean
  static StartForms startForms(ObjectProvider<FormChoices> sources) {
    return new StartForms(() -> StartForms.merged(sources.orderedStream().toList()));
  }
}
