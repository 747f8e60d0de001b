package io.rebound.backup;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The archived logs collected for shipping, to be published with {@link BackupStore#publish(LogManifest, List)}.
 *
 * @param batch the batch (without pieces); none when nothing new was archived
 * @param files the pieces' files, each named as its piece will be
 * @param gaps logs missing between what was shipped before and this batch, or inside what the archive holds, each
 *     named with the positions it lies between: no restore can cross one, so the runbook reports them
 */
public record CollectedLogs(Optional<LogManifest> batch, List<Path> files, List<String> gaps) {

  public CollectedLogs {
    files = List.copyOf(files);
    gaps = List.copyOf(gaps);
  }

  public static CollectedLogs nothingNew() {
    return new CollectedLogs(Optional.empty(), List.of(), List.of());
  }
}
