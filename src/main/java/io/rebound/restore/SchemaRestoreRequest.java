package io.rebound.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validated inputs of one schema restore, identifiers in the target dialect's canonical case.
 *
 * @param companionUsers explicit companion users
 * @param companionPrefix a prefix: every existing user starting with it is a companion (null if none)
 * @param sequences sequence to {@code TABLE.COLUMN} from the profile, added to the discovered ones
 * @param referenceTarget a target holding the data as it should be: the key tables are compared with it
 *     after the restore (null for none)
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
    Map<String, String> sequences,
    String referenceTarget) {

  public SchemaRestoreRequest {
    companionUsers = List.copyOf(companionUsers);
    keyTables = List.copyOf(keyTables);
    sequences = Map.copyOf(sequences);
  }

  /** The users the request names: the schema owner first, then the explicit companions. */
  public List<String> namedUsers() {
    List<String> users = new ArrayList<>();
    users.add(schemaOwner);
    users.addAll(companionUsers);
    return users;
  }
}
