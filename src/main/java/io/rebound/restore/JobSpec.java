package io.rebound.restore;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A long-running job a step starts and then polls: a Data Pump job or a pg_dump / pg_restore process. The plan
 * carries it as data: the dialect that runs the job reads {@link #settings}, never the lines shown to the approver.
 *
 * @param name the job's name; stable for a run, so a restarted node re-attaches instead of starting twice
 * @param file the dump file the job reads or writes, inside the dump directory
 * @param parameters the job's parameters or command line as the approver reads them (no secrets); for a process, the
 *     very command that is run
 * @param settings what the dialect needs to run and follow the job, by name (no secrets); covered by the plan's hash
 */
public record JobSpec(String name, String file, List<String> parameters, Map<String, String> settings) {

  public JobSpec {
    parameters = List.copyOf(parameters);
    settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /** A job that needs no settings besides its parameters. */
  public JobSpec(String name, String file, List<String> parameters) {
    this(name, file, parameters, Map.of());
  }

  /** A setting the dialect put into the plan; refused, naming it, when the plan does not carry it. */
  public String setting(String key) {
    String value = settings.get(key);
    if (value == null) {
      throw new IllegalStateException("the plan's job " + name + " carries no " + key + ": it was made by an older Rebound;"
          + " compute the plan again (a new run)");
    }
    return value;
  }
}
