package io.rebound.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.rebound.runbook.ApprovalRefusedException;
import io.rebound.runbook.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Turns refusals into 4xx answers with a message a person can act on. */
@RestControllerAdvice(basePackages = "io.rebound")
class ApiExceptionHandler {

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<ApiError> invalidInput(InvalidInputException e) {
    return answer(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  /** A body that is not JSON, or not of the shape the call takes (an array for an object, text for a number). */
  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
    return answer(HttpStatus.BAD_REQUEST, unreadableBody(e));
  }

  /**
   * Part of a body converted to a type after it was read (a table of a comparison), whose JSON does not
   * fit that type: the caller's input, not a fault of Rebound.
   */
  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<ApiError> illegalArgument(IllegalArgumentException e) {
    JsonProcessingException json = jsonCause(e);
    if (json == null || json instanceof InvalidDefinitionException) {
      throw e;
    }
    return answer(HttpStatus.BAD_REQUEST, describe(json));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<ApiError> unsupportedMediaType(HttpMediaTypeNotSupportedException e) {
    return answer(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ResponseEntity<ApiError> parameterMismatch(MethodArgumentTypeMismatchException e) {
    return answer(HttpStatus.BAD_REQUEST, "'" + e.getName() + "' must be " + expected(e.getRequiredType()));
  }

  @ExceptionHandler({AuthorizationException.class, ForbiddenException.class})
  ResponseEntity<ApiError> forbidden(RuntimeException e) {
    return answer(HttpStatus.FORBIDDEN, e.getMessage());
  }

  @ExceptionHandler({NotFoundException.class, RunNotFoundException.class})
  ResponseEntity<ApiError> notFound(RuntimeException e) {
    return answer(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler(ConflictException.class)
  ResponseEntity<ApiError> conflict(ConflictException e) {
    return answer(HttpStatus.CONFLICT, e.getMessage());
  }

  @ExceptionHandler(ApprovalRefusedException.class)
  ResponseEntity<ApiError> approvalRefused(ApprovalRefusedException e) {
    return answer(HttpStatus.FORBIDDEN, e.getMessage());
  }

  static ResponseEntity<ApiError> answer(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(new ApiError(status.value(), status.getReasonPhrase(), message));
  }

  static String unreadableBody(HttpMessageNotReadableException e) {
    JsonProcessingException json = jsonCause(e);
    if (json != null) {
      return describe(json);
    }
    String message = e.getMessage();
    if (message != null && message.startsWith("Required request body is missing")) {
      return "a JSON body is required";
    }
    return "the request body is not valid JSON of the expected shape";
  }

  /** What is wrong with a body, by where and what was expected; never the body's content, which may be large. */
  static String describe(JsonProcessingException e) {
    if (e instanceof JsonEOFException) {
      return "the request body ends before its JSON is complete" + at(e.getLocation());
    }
    if (e instanceof StreamConstraintsException) {
      return "the request body's JSON holds a number, a text or a nesting larger than a request may hold";
    }
    if (e instanceof InputCoercionException) {
      return "a number in the request body is out of range" + at(e.getLocation());
    }
    if (e instanceof JsonMappingException mapping) {
      String path = path(mapping.getPath());
      Throwable cause = mapping.getCause();
      if (cause instanceof InputCoercionException && !path.isEmpty()) {
        return "'" + path + "' is a number out of range";
      }
      if (cause instanceof JsonProcessingException inner && !(cause instanceof JsonMappingException)) {
        return describe(inner);
      }
      if (mapping.getOriginalMessage() != null && mapping.getOriginalMessage().startsWith("Trailing token")) {
        return "the request body holds more after its JSON value" + at(mapping.getLocation());
      }
      String expected = mapping instanceof MismatchedInputException mismatch ? expected(mismatch.getTargetType()) : "of another shape";
      return path.isEmpty() ? "the request body must be " + expected : "'" + path + "' must be " + expected;
    }
    return "the request body is not valid JSON" + at(e.getLocation());
  }

  private static JsonProcessingException jsonCause(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JsonProcessingException json) {
        return json;
      }
    }
    return null;
  }

  static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
      return "text";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class
        || type == short.class || type == BigInteger.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class || type == BigDecimal.class) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "an object";
    }
    return "of another type";
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** The caller is authenticated but not allowed to do this. */
  static class ForbiddenException extends RuntimeException {
    ForbiddenException(String message) {
      super(message);
    }
  }

  /** No run with that id, or none the caller may see. */
  static class RunNotFoundException extends RuntimeException {
    RunNotFoundException(String message) {
      super(message);
    }
  }

  /** The run is not in a state where this can be done. */
  static class ConflictException extends RuntimeException {
    ConflictException(String message) {
      super(message);
    }
  }
}
