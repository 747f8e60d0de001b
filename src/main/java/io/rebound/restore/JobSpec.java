package io.rebound.restore;

import java.util.List;

/**
 * A long-running job a step starts and then polls: a Data Pump job or a pg_dump / pg_restore process.
 *
 * @param name the job's name; stable for a run, so a restarted node re-attaches instead of starting twice
 * @param file the dump file the job reads or writes, inside the dump directory
 * @param parameters the job's parameters or command line, as they will be used (no secrets)
 */
public record JobSpec(String name, String file, List<String> parameters) {

  public JobSpec {
    parameters = List.copyOf(parameters);
  }
}
