package io.rebound.runbook;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;

/**
 * What a runbook tells the machinery every runbook shares: its process, its inputs, whether it destroys
 * anything (and so needs an approval), and how its end events read. The start and end of every run, the
 * approval, the guard of the destructive steps, the run state and the authorizations work from these
 * descriptors, never from a switch over process keys.
 *
 * @param <R> the validated request of one run
 */
public interface Runbook<R> {

  /** The BPMN process key. */
  String key();

  /**
   * Every process key the runbook runs as: its own, and the processes it deploys for its schedules (the engine allows
   * one timer start event per process, so each schedule is a process of its own, with the runbook's steps). Asked
   * afresh each time: schedules come from the configuration.
   */
  default List<String> processKeys() {
    return List.of(key());
  }

  /**
   * Whether a process with this key is one of the runbook's: by default one of {@link #processKeys()}. A runbook whose
   * schedules come and go with the configuration also owns the processes of schedules no longer configured, whose runs
   * may still be under way: the engine parses their model again after a restart and must still find the runbook.
   */
  default boolean owns(String processKey) {
    return processKeys().contains(processKey);
  }

  /** How the runbook is named in the audit trail and in messages, e.g. {@code schema restore}. */
  String title();

  /** Parses and validates a run's inputs, the same for every way in. */
  RunbookInputs<R> inputs();

  /** The approval its destructive steps need; empty for a runbook that destroys nothing. */
  Optional<Approval<R>> approval();

  /** How a run reads that ended at each end event; an end event not named here reads FAILED. */
  Map<String, RunOutcome> outcomes();

  /**
   * The runbook's own work at the start of a run, after the request is stored and before the run goes on
   * (e.g. recording a comparison's tables). Throwing {@link InvalidInputException} refuses the start.
   */
  default void started(DelegateExecution execution, R request) {}

  /**
   * The inputs of a run started by the runbook's own schedule: {@code timerStartEventId} names the timer start
   * event that fired. Empty (the default) for an event that is not one of the runbook's schedules, which refuses
   * the start. A run its schedule starts with nobody authenticated has {@link Requesters#scheduled} as its requester.
   */
  default Optional<Map<String, Object>> scheduledInputs(String timerStartEventId) {
    return Optional.empty();
  }

  /** How a run ended, told by its end event. */
  default RunOutcome outcome(String endEventId) {
    return endEventId == null ? RunOutcome.FAILED : outcomes().getOrDefault(endEventId, RunOutcome.FAILED);
  }
}
