package io.rebound.runbook;

/**
 * A change to a runbook's run that the engine refuses for everyone, whichever API it came through: a token
 * placed past the approval, a variable set from outside. Answered 400 with this message.
 */
public class RunbookGuardException extends InvalidInputException {

  public RunbookGuardException(String message) {
    super(message);
  }
}
