package io.rebound.config;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Filters that refuse a request before anything else sees it: the Admin webapp's setup of a first
 * administrator. They come before authentication and before the webapps' own filters.
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
}
