package io.rebound.audit;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A missing or unusable audit key stops the start with what to set, not with a stack of bean errors. */
class AuditKeyFailureAnalyzer extends AbstractFailureAnalyzer<AuditKey.AuditKeyException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, AuditKey.AuditKeyException cause) {
    return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
  }
}
