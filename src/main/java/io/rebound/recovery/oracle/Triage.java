package io.rebound.recovery.oracle;

import io.rebound.recovery.oracle.OpenFailure.DamagedFile;
import io.rebound.recovery.oracle.TriageQueries.ArchivedLog;
import io.rebound.recovery.oracle.TriageQueries.DatabaseState;
import io.rebound.recovery.oracle.TriageQueries.Datafile;
import io.rebound.recovery.oracle.TriageQueries.RecoverFile;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The facts a recovery strategy is decided on, read together from what the database said: which datafiles need
 * media recovery and whether they are gone or only behind, which tablespaces they make up (whole or in part), whether
 * SYSTEM or the undo tablespace is among them (the database must then be mounted, not open), whether the database
 * archives its redo (without it no file can be recovered, only the last consistent backup restored), and whether
 * the archived logs on disk reach from where recovery starts to the online redo.
 */
public final class Triage {

  private Triage() {}

  /** A datafile that needs media recovery, named and placed. */
  public record AffectedFile(int number, String name, String tablespace, boolean missing) {}

  /**
   * Whether complete recovery can run from the archived logs on disk.
   *
   * @param missing what is not on disk, one entry per thread, e.g. {@code thread 1 sequence 58}; empty when complete
   *     recovery needs nothing from the bucket
   */
  public record LogCoverage(String fromScn, List<String> missing) {
    public LogCoverage {
      missing = List.copyOf(missing);
    }

    public boolean onDisk() {
      return missing.isEmpty();
    }
  }

  /**
   * @param instanceRecoveryOnly the database is open and no file needs media recovery: the server's own instance
   *     recovery did everything
   * @param wholeTablespaces the affected tablespaces every datafile of which is affected
   * @param recoveryStartScn the lowest SCN a file's recovery starts at; none when no file needs recovery
   */
  public record Diagnosis(boolean instanceRecoveryOnly, boolean archivelog, boolean open, List<AffectedFile> files,
      boolean systemOrUndo, List<String> tablespaces, List<String> wholeTablespaces, Optional<String> recoveryStartScn,
      LogCoverage logs) {
    public Diagnosis {
      files = List.copyOf(files);
      tablespaces = List.copyOf(tablespaces);
      wholeTablespaces = List.copyOf(wholeTablespaces);
    }
  }

  /**
   * The diagnosis of a database from its state, its datafiles, the files V$RECOVER_FILE lists and those a failed open
   * named (a file that cannot be opened may not be in V$RECOVER_FILE yet), and the archived logs on disk.
   */
  public static Diagnosis diagnose(DatabaseState database, List<Datafile> datafiles, List<RecoverFile> recover, OpenFailure failure,
      List<ArchivedLog> archived, Map<Integer, String> onlineStarts) {
    Map<Integer, Datafile> byNumber = new LinkedHashMap<>();
    datafiles.forEach(file -> byNumber.put(file.number(), file));
    Map<Integer, AffectedFile> affected = new TreeMap<>();
    for (RecoverFile file : recover) {
      if (file.recoveryNotNeeded()) {
        continue;
      }
      Datafile known = byNumber.get(file.number());
      affected.put(file.number(), new AffectedFile(file.number(), known == null ? null : known.name(),
          known == null ? null : known.tablespace(), file.missing()));
    }
    for (DamagedFile file : failure.files()) {
      Datafile known = byNumber.get(file.number());
      AffectedFile before = affected.get(file.number());
      boolean missing = file.problem() == OpenFailure.Problem.MISSING || (before != null && before.missing());
      affected.put(file.number(), new AffectedFile(file.number(), known != null ? known.name() : file.name().orElse(null),
          known == null ? null : known.tablespace(), missing));
    }
    List<AffectedFile> files = List.copyOf(affected.values());
    Set<String> tablespaces = files.stream().map(AffectedFile::tablespace).filter(name -> name != null)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    List<String> whole = new ArrayList<>();
    for (String tablespace : tablespaces) {
      boolean all = datafiles.stream().filter(file -> tablespace.equals(file.tablespace())).allMatch(file -> affected.containsKey(file.number()));
      if (all) {
        whole.add(tablespace);
      }
    }
    String undo = database.undoTablespace() == null ? null : database.undoTablespace().toUpperCase(Locale.ROOT);
    boolean systemOrUndo = files.stream().anyMatch(file -> file.number() == 1 || "SYSTEM".equals(file.tablespace())
        || (undo != null && undo.equals(file.tablespace())));
    Optional<String> start = recover.stream().filter(file -> !file.recoveryNotNeeded()).map(RecoverFile::changeScn).filter(scn -> scn != null && !scn.equals("0"))
        .min(Comparator.comparing(BigInteger::new));
    LogCoverage logs = start.map(scn -> coverage(scn, archived, onlineStarts)).orElse(new LogCoverage(null, List.of()));
    boolean instanceOnly = database.open() && files.isEmpty();
    return new Diagnosis(instanceOnly, database.archivelog(), database.open(), files, systemOrUndo, List.copyOf(tablespaces), whole,
        start, logs);
  }

  /**
   * Whether each thread's archived logs on disk run without a hole from {@code fromScn} to where its online redo
   * begins. What is missing is named: a restore then fetches it from the shipped batches.
   */
  public static LogCoverage coverage(String fromScn, List<ArchivedLog> archived, Map<Integer, String> onlineStarts) {
    BigInteger from = new BigInteger(MediaRecoveryScripts.scn(fromScn));
    List<String> missing = new ArrayList<>();
    for (Map.Entry<Integer, String> thread : new TreeMap<>(onlineStarts).entrySet()) {
      BigInteger online = new BigInteger(thread.getValue());
      if (from.compareTo(online) >= 0) {
        continue;
      }
      List<ArchivedLog> logs = archived.stream().filter(log -> log.thread() == thread.getKey())
          .sorted(Comparator.comparingLong(ArchivedLog::sequence)).toList();
      Optional<ArchivedLog> first = logs.stream().filter(log -> new BigInteger(log.firstScn()).compareTo(from) <= 0
          && new BigInteger(log.nextScn()).compareTo(from) > 0).findFirst();
      if (first.isEmpty()) {
        missing.add("thread " + thread.getKey() + ": no archived log on disk holds SCN " + fromScn);
        continue;
      }
      ArchivedLog current = first.get();
      while (new BigInteger(current.nextScn()).compareTo(online) < 0) {
        long wanted = current.sequence() + 1;
        Optional<ArchivedLog> next = logs.stream().filter(log -> log.sequence() == wanted).findFirst();
        if (next.isEmpty()) {
          missing.add("thread " + thread.getKey() + " sequence " + wanted);
          break;
        }
        current = next.get();
      }
    }
    return new LogCoverage(fromScn, missing);
  }
}
