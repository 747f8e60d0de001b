package io.rebound.config;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.camunda.bpm.spring.boot.starter.property.CamundaBpmProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Filters that refuse a request before anything else sees it: the Admin webapp's setup of a first
 * administrator, request bodies over the size limit, and changes a page of another site made. All come before
 * authentication and before the webapps' own filters.
 */
@Configuration
class RequestGuards {

  @Bean
  FilterRegistrationBean<SetupEndpointGuard> setupEndpointGuard() {
    FilterRegistrationBean<SetupEndpointGuard> registration = new FilterRegistrationBean<>(new SetupEndpointGuard());
    registration.setName("setup-endpoint-guard");
    // Every path and dispatch: the guard itself decides by the path, however it is spelled.
    registration.addUrlPatterns("/*");
    registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(HttpProperties http, CamundaBpmProperties camunda) {
    FilterRegistrationBean<RequestBodyLimit> registration = new FilterRegistrationBean<>(new RequestBodyLimit(http.maxRequestBody().toBytes()));
    registration.setName("request-body-limit");
    // The webapps reach the engine's REST API under their own path too (<application-path>/api/engine/...).
    registration.addUrlPatterns("/api/*", "/engine-rest/*", camunda.getWebapp().getApplicationPath() + "/api/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<CrossSiteChanges> crossSiteChanges() {
    FilterRegistrationBean<CrossSiteChanges> registration = new FilterRegistrationBean<>(new CrossSiteChanges());
    registration.setName("cross-site-changes");
    // The webapps' own API (<application-path>/api/...) has their CSRF token for that; these two take basic
    // credentials, which a browser sends with a request of any page.
    registration.addUrlPatterns("/api/*", "/engine-rest/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }
}
