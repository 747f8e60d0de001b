package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Elements.*;

import io.rebound.runbook.Approval;
import io.rebound.runbook.RunOutcome;
import io.rebound.runbook.Runbook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The schema restore as the runbook core knows it. */
@Component
public class SchemaRestoreRunbook implements Runbook<SchemaRestoreRequest> {

  /** The destructive steps, by their audit names, in the order one approval lets them run. */
  static final String RECHECK = "recheck-plan";
  static final String SAFETY_EXPORT = "safety-export";
  static final String RESET = "reset";
  static final String BOOTSTRAP = "bootstrap";
  static final String IMPORT = "import";
  static final String VERIFY = "verify";

  private final SchemaRestoreInputs inputs;

  public SchemaRestoreRunbook(SchemaRestoreInputs inputs) {
    this.inputs = inputs;
  }

  @Override
  public String key() {
    return SchemaRestoreProcess.KEY;
  }

  @Override
  public String title() {
    return "schema restore";
  }

  @Override
  public SchemaRestoreInputs inputs() {
    return inputs;
  }

  @Override
  public Optional<Approval<SchemaRestoreRequest>> approval() {
    return Optional.of(new Approval<>(APPROVE_RESET, SchemaRestoreRunbook::pass,
        request -> "Approve reset of " + request.schemaOwner() + " on " + request.target() + " (" + request.dumpFile() + ")"));
  }

  /** The recheck first (it checks the approved plan still holds), then each step that changes the target. */
  static List<String> pass(SchemaRestoreRequest request) {
    List<String> pass = new ArrayList<>(List.of(RECHECK));
    if (request.safetyExport()) {
      pass.add(SAFETY_EXPORT);
    }
    pass.addAll(List.of(RESET, BOOTSTRAP, IMPORT, VERIFY));
    return pass;
  }

  @Override
  public Map<String, RunOutcome> outcomes() {
    return Map.of(END_RESTORED, RunOutcome.COMPLETED, END_REJECTED, RunOutcome.REJECTED, END_EXPIRED, RunOutcome.EXPIRED,
        END_DUMP_NOT_FOUND, RunOutcome.FAILED, END_VERIFICATION_FAILED, RunOutcome.FAILED, END_DIFFERS_FROM_REFERENCE, RunOutcome.FAILED);
  }
}
