package io.rebound.config;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.webapp.impl.engine.EngineRestApplication;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The webapps (Tasklist, Cockpit) reach the engine through an engine REST API of their own, under
 * {@code /camunda/api/engine}. Rebound's refusals are answered there as on {@code /engine-rest} (400 with
 * the reason, 403 for four eyes) rather than as a 500: its servlet gets Rebound's exception mappers as well.
 */
@Component
class WebappEngineApiRefusals implements ServletContextInitializer, Ordered {

  /** The name Camunda's webapp initializer gives the servlet, which it keeps when one of that name exists. */
  static final String ENGINE_API = "Engine Api";

  static final String MAPPERS = Stream.of(RefusalMappers.Direct.class, RefusalMappers.InEngineException.class,
      RefusalMappers.InRestException.class).map(Class::getName).collect(Collectors.joining(","));

  private final String applicationPath;

  WebappEngineApiRefusals(Environment environment) {
    this.applicationPath = environment.getProperty("camunda.bpm.webapp.application-path", "/camunda");
  }

  @Override
  public void onStartup(ServletContext servletContext) {
    ServletRegistration engineApi = servletContext.getServletRegistration(ENGINE_API);
    if (engineApi == null) {
      // Before Camunda's initializer: register the servlet as it would, with the mappers added.
      engineApi = servletContext.addServlet(ENGINE_API, ServletContainer.class);
      engineApi.addMapping(applicationPath + "/api/engine/*");
      engineApi.setInitParameters(Map.of("jakarta.ws.rs.Application", EngineRestApplication.class.getName()));
    }
    engineApi.setInitParameter(ServerProperties.PROVIDER_CLASSNAMES, MAPPERS);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
