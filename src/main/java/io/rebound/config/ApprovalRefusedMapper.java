package io.rebound.config;

import io.rebound.restore.ApprovalTaskListener.ApprovalRefusedException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.glassfish.jersey.spi.ExtendedExceptionMapper;

/**
 * The engine wraps exceptions of task listeners, so a completion refused by the four-eyes rule would reach
 * an engine REST caller as a 500. This mapper takes exactly those and answers 403 with the reason; every
 * other failure keeps Camunda's own mapping.
 */
@Provider
@Priority(1)
public class ApprovalRefusedMapper implements ExtendedExceptionMapper<RestException> {

  @Override
  public boolean isMappable(RestException exception) {
    return refusal(exception) != null;
  }

  @Override
  public Response toResponse(RestException exception) {
    ApprovalRefusedException refusal = refusal(exception);
    return Response.status(Response.Status.FORBIDDEN)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("type", "ApprovalRefused", "message", refusal == null ? exception.getMessage() : refusal.getMessage()))
        .build();
  }

  private static ApprovalRefusedException refusal(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApprovalRefusedException refused) {
        return refused;
      }
    }
    return null;
  }
}
