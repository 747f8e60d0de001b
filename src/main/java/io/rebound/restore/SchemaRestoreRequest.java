package io.rebound.restore;

import java.util.List;
import java.util.Map;

/**
 * Validated inputs of one schema restore, identifiers in the target dialect's canonical case.
 *
 * @param companionUsers explicit companion users
 * @param companionPrefix a prefix: every existing user starting with it is a companion (null if none)
 * @param sequences sequence to {@code TABLE.COLUMN} from the profile, added to the discovered ones
 */
public record SchemaRestoreRequest(
    String target,
    String profile,
    String schemaOwner,
    List<String> companionUsers,
    String companionPrefix,
    String dumpFile,
    List<String> keyTables,
    boolean safetyExport,
    Map<String, String> sequences) {

  public SchemaRestoreRequest {
    companionUsers = List.copyOf(companionUsers);
    keyTables = List.copyOf(keyTables);
    sequences = Map.copyOf(sequences);
  }
}
