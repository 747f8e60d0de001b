package io.rebound.restore;

import java.util.List;
import java.util.Map;

/**
 * A named set of schema-restore inputs from {@code rebound.restore-profiles.<name>}, so that a request
 * names only the target and the dump file.
 *
 * @param schemaOwner the application schema's owner, e.g. {@code WINSTORE_ADMIN}
 * @param companionUsers the other users to reset and recreate: names, or one prefix ending in {@code _}
 * @param keyTables tables that must have rows after the import
 * @param safetyExport whether to export the current schemas before dropping them (default true)
 * @param sequences sequence to {@code TABLE.COLUMN} it feeds, for sequences that cannot be discovered
 * @param referenceTarget a target to compare the key tables with after the restore
 */
public record RestoreProfile(
    String schemaOwner,
    List<String> companionUsers,
    List<String> keyTables,
    Boolean safetyExport,
    Map<String, String> sequences,
    String referenceTarget) {

  public RestoreProfile {
    companionUsers = companionUsers == null ? List.of() : List.copyOf(companionUsers);
    keyTables = keyTables == null ? List.of() : List.copyOf(keyTables);
    sequences = sequences == null ? Map.of() : Map.copyOf(sequences);
  }
}
