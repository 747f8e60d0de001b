package io.rebound.testsupport;

import io.rebound.ReboundApplication;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts and restarts whole applications, for tests that stop one in the middle of a run. */
public final class Applications {

  private Applications() {}

  /** Starts Rebound with the "it" profile; properties go as command-line arguments, which outrank application.yml. */
  public static ConfigurableApplicationContext start(Map<String, ?> properties, ApplicationListener<?>... listeners) {
    String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    ConfigurableApplicationContext context = new SpringApplicationBuilder(ReboundApplication.class).profiles("it").listeners(listeners)
        .run(arguments);
    TestUsers.create(context.getBean(IdentityService.class));
    return context;
  }

  public static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }
}
