package io.rebound.backup;

import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.List;

/** What a backup and a batch of shipped logs both record: where in the redo and when they begin and end. */
public sealed interface Manifest permits BackupManifest, LogManifest {

  String id();

  String target();

  Dialect dialect();

  /** PostgreSQL's timeline; Oracle's incarnation (a new one after each OPEN RESETLOGS). */
  long timeline();

  /** Oracle's DBID, PostgreSQL's system identifier: backups of another database never mix. */
  String databaseIdentity();

  Instant startTime();

  Instant endTime();

  String startPosition();

  String endPosition();

  List<Piece> pieces();

  default long size() {
    return pieces().stream().mapToLong(Piece::size).sum();
  }
}
