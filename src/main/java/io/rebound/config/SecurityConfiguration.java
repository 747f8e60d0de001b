package io.rebound.config;

import jakarta.servlet.Filter;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTP basic authentication against Camunda's identity service for the engine's REST API and for
 * Rebound's own. The filter makes the caller the engine's current user, so Camunda's authorizations
 * apply to everything a request does.
 */
@Configuration
public class SecurityConfiguration {

  @Bean
  FilterRegistrationBean<Filter> engineRestAuthentication() {
    return basicAuthentication("engine-rest-authentication", "/engine-rest/*");
  }

  /** Rebound's API also answers the session of a user logged in to the webapps: the console at {@code /} reads it so. */
  @Bean
  FilterRegistrationBean<Filter> apiAuthentication(ProcessEngine engine) {
    return authentication(new WebappSessionAuthentication(engine), "api-authentication", "/api/*");
  }

  private static FilterRegistrationBean<Filter> basicAuthentication(String name, String pattern) {
    return authentication(new ProcessEngineAuthenticationFilter(), name, pattern);
  }

  private static FilterRegistrationBean<Filter> authentication(Filter filter, String name, String pattern) {
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
    registration.setName(name);
    registration.addUrlPatterns(pattern);
    registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM, HttpBasicAuthenticationProvider.class.getName());
    return registration;
  }
}
