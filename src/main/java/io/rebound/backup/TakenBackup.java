package io.rebound.backup;

import java.nio.file.Path;
import java.util.List;

/**
 * A backup taken and waiting in the work directory to be published with {@link BackupStore#publish(BackupManifest,
 * List)}.
 *
 * @param manifest everything but the pieces, which publishing fills in
 * @param files the pieces' files, each named as its piece will be
 */
public record TakenBackup(BackupManifest manifest, List<Path> files) {

  public TakenBackup {
    files = List.copyOf(files);
  }
}
