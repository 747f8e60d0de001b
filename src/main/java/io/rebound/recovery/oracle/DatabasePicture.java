package io.rebound.recovery.oracle;

import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the database said when triage reached it: the rows of the control file's views and what a failed open said.
 *
 * @param reachable whether the instance answered a connection
 * @param openedNow whether triage opened the database itself ({@code ALTER DATABASE OPEN} on a mounted one, which runs
 *     instance recovery)
 * @param database V$DATABASE; null when the instance answered but no control file could be mounted
 * @param openFailure what {@code ALTER DATABASE OPEN} said when it failed; names no file otherwise
 * @param archivedLogs the archived logs on disk from the SCN recovery starts at
 * @param onlineLogStarts where each thread's online redo begins
 * @param said what the database said that the report shows as it was said (errors of a connection, a mount, an open)
 */
record DatabasePicture(boolean reachable, boolean openedNow, DatabaseState database, List<Datafile> datafiles,
    List<RecoverFile> recoverFiles, OpenFailure openFailure, List<ArchivedLog> archivedLogs, Map<Integer, String> onlineLogStarts,
    List<String> said) {

  DatabasePicture {
    datafiles = List.copyOf(datafiles);
    recoverFiles = List.copyOf(recoverFiles);
    openFailure = openFailure == null ? OpenFailure.parse(null) : openFailure;
    archivedLogs = List.copyOf(archivedLogs);
    onlineLogStarts = Map.copyOf(onlineLogStarts);
    said = List.copyOf(said);
  }

  /** The instance did not answer. */
  static DatabasePicture unreachable(List<String> said) {
    return new DatabasePicture(false, false, null, List.of(), List.of(), null, List.of(), Map.of(), said);
  }

  /** The instance answered, but its control file could not be mounted: nothing the views hold can be read. */
  static DatabasePicture notMounted(List<String> said) {
    return new DatabasePicture(true, false, null, List.of(), List.of(), null, List.of(), Map.of(), said);
  }

  /** The same picture, with more of what was said. */
  DatabasePicture saying(List<String> more) {
    List<String> all = new ArrayList<>(said);
    all.addAll(more);
    return new DatabasePicture(reachable, openedNow, database, datafiles, recoverFiles, openFailure, archivedLogs, onlineLogStarts, all);
  }
}
