package io.rebound.recovery;

import java.util.List;

/**
 * What triage found on a database, in words that hold for every dialect.
 *
 * @param reachable whether the database's server answers (PostgreSQL: the server runs; Oracle: the instance is started)
 * @param opened whether the database is open for work (PostgreSQL: it accepts connections; Oracle: {@code OPEN})
 * @param instanceRecovery what instance recovery did while triage opened the database (the server rolled its logs forward
 *     by itself), or null when it had nothing to do
 * @param files the files affected: missing or damaged, with their tablespace and kind; empty for a clean database
 * @param restoreUnit the smallest unit this database can restore that covers every affected file
 * @param logs whether the logs needed to recover to the last change are archived
 * @param serverSaid what the server said about the damage or the recovery, one line each, as it said it
 * @param checks the checks made and their results, one line each (relation files, index checks, checksums)
 */
public record Triage(boolean reachable, boolean opened, String instanceRecovery, List<AffectedFile> files, RestoreUnit restoreUnit,
    LogArchiving logs, List<String> serverSaid, List<String> checks) {

  public Triage {
    files = List.copyOf(files);
    serverSaid = List.copyOf(serverSaid);
    checks = List.copyOf(checks);
    if (restoreUnit == null) {
      throw new IllegalArgumentException("a triage names the unit a restore would take");
    }
    if (files.isEmpty() != (restoreUnit == RestoreUnit.NONE)) {
      throw new IllegalArgumentException("a triage restores nothing exactly when no file is affected");
    }
  }

  /** Whether any affected file is one the database cannot open without (SYSTEM, UNDO, control file, logs). */
  public boolean essentialInvolved() {
    return files.stream().anyMatch(AffectedFile::essential);
  }

  /** Whether every affected file can be put back where it was. */
  public boolean locationUsable() {
    return files.stream().allMatch(AffectedFile::locationUsable);
  }

  /** Whether the database is down and triage cannot name what keeps it down: nothing to decide on. */
  public boolean unexplained() {
    return !opened && files.isEmpty();
  }
}
