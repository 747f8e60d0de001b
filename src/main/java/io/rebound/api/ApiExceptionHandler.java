package io.rebound.api;

import io.rebound.runbook.ApprovalRefusedException;
import io.rebound.runbook.InvalidInputException;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.exception.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns refusals into 4xx answers with a message a person can act on. */
@RestControllerAdvice(basePackages = "io.rebound")
class ApiExceptionHandler {

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<ApiError> invalidInput(InvalidInputException e) {
    return answer(HttpStatus.BAD_REQUEST, e.getMessage());
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
    return answer(HttpStatus.BAD_REQUEST, "the request body is not valid JSON of the expected shape");
  }

  @ExceptionHandler({AuthorizationException.class, ForbiddenException.class})
  ResponseEntity<ApiError> forbidden(RuntimeException e) {
    return answer(HttpStatus.FORBIDDEN, e.getMessage());
  }

  @ExceptionHandler({NotFoundException.class, RunNotFoundException.class})
  ResponseEntity<ApiError> notFound(RuntimeException e) {
    return answer(HttpStatus.NOT_FOUND, e.getMessage());
  }

  @ExceptionHandler(ApprovalRefusedException.class)
  ResponseEntity<ApiError> approvalRefused(ApprovalRefusedException e) {
    return answer(HttpStatus.FORBIDDEN, e.getMessage());
  }

  static ResponseEntity<ApiError> answer(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(new ApiError(status.value(), status.getReasonPhrase(), message));
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
}
