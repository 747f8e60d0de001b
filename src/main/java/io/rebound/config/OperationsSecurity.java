package io.rebound.config;

import jakarta.servlet.Filter;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The login in front of the actuator's endpoints, the API's description and Swagger UI (see {@link OperationsAccess}). */
@Configuration
class OperationsSecurity {

  @Bean
  FilterRegistrationBean<Filter> operationsAuthentication(ProcessEngine engine) {
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(
        new OperationsAccess(new WebappSessionAuthentication(engine), engine.getIdentityService()::getCurrentAuthentication));
    registration.setName("operations-authentication");
    registration.addUrlPatterns("/actuator/*", "/v3/api-docs/*", "/v3/api-docs", "/swagger-ui/*", "/swagger-ui.html");
    registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM, HttpBasicAuthenticationProvider.class.getName());
    return registration;
  }
}
