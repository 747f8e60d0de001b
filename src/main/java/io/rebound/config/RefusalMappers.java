package io.rebound.config;

import io.rebound.runbook.ApprovalRefusedException;
import io.rebound.runbook.InvalidInputException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.RestException;
import org.glassfish.jersey.spi.ExtendedExceptionMapper;

/**
 * Rebound's refusals on the engine's REST API, answered like Rebound's own API does: refused input (a bad
 * start variable, a guarded change) 400, a four-eyes refusal 403, each with the reason. The engine wraps
 * exceptions of listeners (and the REST layer wraps the engine's), so the refusal is looked for down the
 * chain of causes; every other failure keeps Camunda's own mapping.
 */
final class RefusalMappers {

  private RefusalMappers() {}

  /** A refusal thrown as it is (start listeners, command and variable guards). */
  @Provider
  static class Direct implements ExceptionMapper<InvalidInputException> {
    @Override
    public Response toResponse(InvalidInputException exception) {
      return answer(exception);
    }
  }

  /** A refusal wrapped by the engine (task listeners). */
  @Provider
  @Priority(1)
  static class InEngineException implements ExtendedExceptionMapper<ProcessEngineException> {
    @Override
    public boolean isMappable(ProcessEngineException exception) {
      return refusal(exception) != null;
    }

    @Override
    public Response toResponse(ProcessEngineException exception) {
      return answer(refusal(exception));
    }
  }

  /** A refusal wrapped by the REST layer. */
  @Provider
  @Priority(1)
  static class InRestException implements ExtendedExceptionMapper<RestException> {
    @Override
    public boolean isMappable(RestException exception) {
      return refusal(exception) != null;
    }

    @Override
    public Response toResponse(RestException exception) {
      return answer(refusal(exception));
    }
  }

  static RuntimeException refusal(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApprovalRefusedException || cause instanceof InvalidInputException) {
        return (RuntimeException) cause;
      }
    }
    return null;
  }

  static Response answer(RuntimeException refusal) {
    boolean fourEyes = refusal instanceof ApprovalRefusedException;
    return Response.status(fourEyes ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Map.of("type", fourEyes ? "ApprovalRefused" : "InvalidInputException", "message", refusal.getMessage()))
        .build();
  }
}
