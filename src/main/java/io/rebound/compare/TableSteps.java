package io.rebound.compare;

import static io.rebound.compare.TableCompareProcess.Variables.*;

import io.rebound.audit.AuditTrail;
import io.rebound.compare.ComparisonStore.TableRow;
import io.rebound.runbook.AuditedStep;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.ShutdownSignal;
import io.rebound.runbook.StepLog;
import java.sql.SQLException;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.runtime.Job;
import org.springframework.stereotype.Component;

/**
 * The steps of one table's branch. A table that cannot be compared (missing, no privilege, a connection
 * lost past its retries) ends its branch as failed with the error, and the other tables go on.
 *
 * <p>They stay on {@link AuditedStep} rather than the shared {@link io.rebound.runbook.RunbookSteps}: the branches run
 * side by side, and each step's name in the audit trail carries its table ({@code prepare shop.orders}), where a shared
 * step has one name for every execution; and a table's failure is not the run's, so it records no failure reason for the
 * run ({@link AuditedStep#fail} does) and is thrown only once the failure will not heal or the engine's retries are spent.
 */
final class TableSteps {

  private TableSteps() {}

  /** What the table steps share: the table's name in the audit trail, and turning failures into a failed table. */
  abstract static class TableStep extends AuditedStep {
    final ComparisonService service;

    TableStep(AuditTrail audit, ComparisonService service) {
      super(audit);
      this.service = service;
    }

    @Override
    protected String step(DelegateExecution execution) {
      return step() + " " + execution.getVariable(TABLE);
    }

    @Override
    protected final String run(DelegateExecution execution, StepLog log) throws Exception {
      String comparisonId = (String) execution.getVariable(COMPARISON_ID);
      String table = (String) execution.getVariable(TABLE);
      try {
        return compare(execution, comparisonId, table, log);
      } catch (InvalidInputException | TableComparator.TableMissingException e) {
        throw failed(comparisonId, table, e.getMessage());
      } catch (SQLException e) {
        // Missing objects and privileges (SQLSTATE class 42) will not heal; anything else gets the engine's retries.
        if (e.getSQLState() != null && e.getSQLState().startsWith("42") || lastAttempt(execution)) {
          throw failed(comparisonId, table, e.getMessage());
        }
        throw e;
      } catch (RuntimeException e) {
        if (lastAttempt(execution)) {
          throw failed(comparisonId, table, e.getMessage());
        }
        throw e;
      }
    }

    abstract String compare(DelegateExecution execution, String comparisonId, String table, StepLog log) throws SQLException;

    private BpmnError failed(String comparisonId, String table, String error) {
      service.failed(comparisonId, table, error);
      return new BpmnError(TableCompareProcess.Errors.TABLE_FAILED, table + ": " + error);
    }

    /**
     * Whether the engine will not retry this step's job again if it fails now. The job belongs to the
     * execution that reached the step: this one, or, since the step has a boundary event and so a scope of
     * its own, its parent.
     */
    private static boolean lastAttempt(DelegateExecution execution) {
      ManagementService management = execution.getProcessEngineServices().getManagementService();
      for (String executionId : new String[] {execution.getId(), execution.getParentId()}) {
        Job job = executionId == null ? null
            : management.createJobQuery().executionId(executionId).activityId(execution.getCurrentActivityId()).singleResult();
        if (job != null) {
          return job.getRetries() <= 1;
        }
      }
      return false;
    }
  }

  @Component("prepareTableDelegate")
  static class PrepareTableDelegate extends TableStep {
    PrepareTableDelegate(AuditTrail audit, ComparisonService service) {
      super(audit, service);
    }

    @Override
    protected String step() {
      return "prepare";
    }

    @Override
    String compare(DelegateExecution execution, String comparisonId, String table, StepLog log) throws SQLException {
      int chunks = service.prepare(comparisonId, table);
      execution.setVariable(MORE_CHUNKS, chunks > 0);
      return "split into " + chunks + " chunks";
    }
  }

  @Component("compareChunkDelegate")
  static class CompareChunkDelegate extends TableStep {
    /**
     * A job compares chunks, each committed as it is done, for about this long: a job per chunk would cost
     * the engine's round trip for every few hundred milliseconds of work, and a job must end well within
     * the job executor's lock time (two minutes) or another node would take it over.
     */
    static final Duration CHUNKS_PER_JOB = Duration.ofSeconds(10);

    /**
     * A loop of chunks passes through a timer this often, so one long table does not hold a job thread
     * for hours. A timer due now would be chained like the chunk jobs; the model's timer waits a second.
     */
    static final int CHUNKS_BETWEEN_YIELDS = 1000;

    private final ComparisonStore store;
    private final ShutdownSignal shutdown;

    CompareChunkDelegate(AuditTrail audit, ComparisonService service, ComparisonStore store, ShutdownSignal shutdown) {
      super(audit, service);
      this.store = store;
      this.shutdown = shutdown;
    }

    @Override
    protected String step() {
      return "compare";
    }

    @Override
    protected boolean recordsStart() {
      return false;
    }

    @Override
    String compare(DelegateExecution execution, String comparisonId, String table, StepLog log) throws SQLException {
      if (shutdown.stopping()) {
        // A job the engine still runs while the application stops (its yield timer came due) starts no new
        // batch: the table waits where it is for the next start, or another node.
        execution.setVariable(MORE_CHUNKS, true);
        execution.setVariable(YIELD, true);
        return null;
      }
      long until = System.nanoTime() + CHUNKS_PER_JOB.toNanos();
      ComparisonService.Progress progress = service.compareNextChunks(comparisonId, table);
      int firstDone = progress.before();
      while (!progress.finished() && !shutdown.stopping() && System.nanoTime() < until) {
        progress = service.compareNextChunks(comparisonId, table);
      }
      execution.setVariable(MORE_CHUNKS, !progress.finished());
      if (!progress.finished()) {
        execution.setVariable(YIELD, shutdown.stopping() || progress.done() / CHUNKS_BETWEEN_YIELDS > firstDone / CHUNKS_BETWEEN_YIELDS);
        return null;
      }
      TableRow row = store.table(comparisonId, table);
      ChunkResult result = row.result();
      return "compared " + result.sourceRows() + " / " + result.destinationRows() + " rows: " + result.missingInDestination()
          + " missing in destination, " + result.missingInSource() + " missing in source, " + result.different() + " different";
    }
  }
}
