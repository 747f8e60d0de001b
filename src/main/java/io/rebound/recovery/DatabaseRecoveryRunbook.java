package io.rebound.recovery;

import static io.rebound.recovery.DatabaseRecoveryProcess.Elements.*;

import io.rebound.runbook.Approval;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Targets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The recovery of a crashed or damaged database as the runbook core knows it. Triage and instance recovery change
 * nothing a database holds and need no approval; a media recovery replaces files, so one approval of its plan
 * authorises one pass through the recheck, the recovery and the verify.
 */
@Component
public class DatabaseRecoveryRunbook implements Runbook<DatabaseRecoveryRequest> {

  /** The steps one approval authorises, by their audit names, in order. */
  static final String RECHECK = "recheck";
  static final String RECOVER = "recover";
  static final String VERIFY = "verify";
  static final List<String> PASS = List.of(RECHECK, RECOVER, VERIFY);

  private final DatabaseRecoveryInputs inputs;

  public DatabaseRecoveryRunbook(Targets targets, DatabaseRecoveryService service) {
    this.inputs = new DatabaseRecoveryInputs(targets, target -> service.checkTarget(target));
  }

  @Override
  public String key() {
    return DatabaseRecoveryProcess.KEY;
  }

  @Override
  public String title() {
    return "database recovery";
  }

  @Override
  public RunbookInputs<DatabaseRecoveryRequest> inputs() {
    return inputs;
  }

  @Override
  public Optional<Approval<DatabaseRecoveryRequest>> approval() {
    return Optional.of(new Approval<>(APPROVE, request -> PASS,
        request -> "Approve media recovery of " + request.target() + ("latest".equals(request.pointInTime()) ? ""
            : " to " + request.pointInTime())));
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(END_INSTANCE_RECOVERED, RunOutcome.COMPLETED, END_RECOVERED, RunOutcome.COMPLETED, END_REJECTED, RunOutcome.REJECTED,
        END_EXPIRED, RunOutcome.EXPIRED, END_NOT_RECOVERABLE, RunOutcome.FAILED, END_PICTURE_CHANGED, RunOutcome.FAILED);
  }
}
