package io.rebound.config;

import jakarta.servlet.Filter;
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

  @Bean
  FilterRegistrationBean<Filter> apiAuthentication() {
    return basicAuthentication("api-authentication", "/api/*");
  }

  private static FilterRegistrationBean<Filter> basicAuthentication(String name, String pattern) {
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setName(name);
    registration.addUrlPatterns(pattern);
    registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM, HttpBasicAuthenticationProvider.class.getName());
    return registration;
  }
}
