package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import java.util.function.Function;

/** The two long-running jobs of a schema restore, with where each keeps its state in the run. */
enum RestoreJob {
  SAFETY_EXPORT(SchemaRestoreRunbook.SAFETY_EXPORT, RestorePlan::safetyExport, SAFETY_EXPORT_DONE, SchemaRestoreProcess.Elements.WAIT_SAFETY_EXPORT),
  IMPORT(SchemaRestoreRunbook.IMPORT, RestorePlan::importJob, IMPORT_DONE, SchemaRestoreProcess.Elements.WAIT_IMPORT);

  final String step;
  final Function<RestorePlan, JobSpec> spec;
  final String doneVariable;
  /** The timer between two polls of the job. */
  final String waitActivity;

  RestoreJob(String step, Function<RestorePlan, JobSpec> spec, String doneVariable, String waitActivity) {
    this.step = step;
    this.spec = spec;
    this.doneVariable = doneVariable;
    this.waitActivity = waitActivity;
  }
}
