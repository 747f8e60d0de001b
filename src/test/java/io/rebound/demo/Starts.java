package io.rebound.demo;

import io.rebound.ReboundApplication;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts whole applications with chosen profiles, on a random port, keeping local files in a test directory. */
final class Starts {

  private Starts() {}

  /**
   * Starts Rebound; properties go as command-line arguments. Local files (the H2 engine database unless one is
   * given, job files, the demo's directory) go under {@code dataDirectory}.
   */
  static ConfigurableApplicationContext start(Path dataDirectory, Map<String, String> properties, String... profiles) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("server.port", "0");
    all.put("rebound.data-directory", dataDirectory.toString());
    // Production starts only with an audit key of its own; tests that are about other refusals give one.
    all.put("rebound.audit.hmac-key", "starts-audit-key-for-tests-0123456789");
    all.putAll(properties);
    String[] arguments = all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    try {
      return new SpringApplicationBuilder(ReboundApplication.class).profiles(profiles).run(arguments);
    } catch (RuntimeException refused) {
      forgetFailedContext();
      throw refused;
    }
  }

  static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  /**
   * Camunda's webapp filters find the application context through a static field, cleared only when a context
   * closes after a complete start. A start refused halfway leaves it pointing at the dead context, and every
   * later start in the same JVM fails in the webapp filters. Only a JVM that goes on after a refused start
   * (a test's) needs this.
   */
  private static void forgetFailedContext() {
    try {
      Field context = Class.forName("org.camunda.bpm.spring.boot.starter.webapp.filter.LazyInitRegistration")
          .getDeclaredField("APPLICATION_CONTEXT");
      context.setAccessible(true);
      context.set(null, null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reset Camunda's webapp filter registration after a refused start", e);
    }
  }
}
