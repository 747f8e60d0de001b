package io.rebound.runbook;

import java.util.Map;

/**
 * Parses and validates the inputs of one runbook, from whichever way they came in (a Tasklist form, the
 * engine's REST API, Rebound's own API, a calling process). The result is the run's request, stored once
 * as the run's {@code request} variable and read back by every step; nothing is parsed twice.
 *
 * @param <R> the validated request
 */
public interface RunbookInputs<R> {

  /** The request's type, for reading it back from the run. */
  Class<R> type();

  /** Validates the start variables; throws {@link InvalidInputException} on the first problem found. */
  R parse(Map<String, ?> variables);

  /** What a person looking at the run in Cockpit sees of the request. No step reads these back. */
  Map<String, Object> display(R request);
}
