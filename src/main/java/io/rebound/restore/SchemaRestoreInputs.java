package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InputLimits;
import io.rebound.runbook.InvalidInputException;
import io.rebound.runbook.Inputs;
import io.rebound.runbook.RunbookInputs;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import io.rebound.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Reads and validates the inputs of a schema restore, whichever way they came in (Tasklist form, the
 * engine's REST API, {@code POST /api/schema-restores}). A profile is resolved here, once: its owner,
 * companions, key tables, sequences and reference become part of the request, so a configuration changed
 * after the approval cannot change an approved run.
 */
@Component
public class SchemaRestoreInputs implements RunbookInputs<SchemaRestoreRequest> {

  static final Set<String> ACCEPTED = Set.of(TARGET, PROFILE, SCHEMA_OWNER, COMPANION_USERS, DUMP_FILE, KEY_TABLES, SAFETY_EXPORT,
      REFERENCE_TARGET);
  private static final int MIN_PREFIX = 3;

  private final Targets targets;
  private final Map<String, RestoreProfile> profiles;
  private final InputLimits limits;

  public SchemaRestoreInputs(Targets targets, ReboundProperties properties, InputLimits limits) {
    this.targets = targets;
    this.profiles = properties.restoreProfiles();
    this.limits = limits;
  }

  @Override
  public Class<SchemaRestoreRequest> type() {
    return SchemaRestoreRequest.class;
  }

  /** Validates start variables; throws {@link InvalidInputException} on the first problem found. */
  @Override
  public SchemaRestoreRequest parse(Map<String, ?> variables) {
    Inputs.onlyAccepted(variables, ACCEPTED);
    String targetName = Inputs.text(variables.get(TARGET), "target");
    if (targetName == null) {
      throw new InvalidInputException("target is required; configured targets: " + targets.names());
    }
    Dialect dialect = targets.find(targetName)
        .orElseThrow(() -> new InvalidInputException("unknown target '" + Inputs.abbreviate(targetName) + "'; configured targets: " + targets.names()))
        .dialect();

    String profileName = Inputs.text(variables.get(PROFILE), "profile");
    RestoreProfile profile = null;
    if (profileName != null) {
      profile = profiles.get(profileName);
      if (profile == null) {
        throw new InvalidInputException("unknown restore profile '" + Inputs.abbreviate(profileName) + "'; configured profiles: " + profiles.keySet());
      }
    }

    String ownerRaw = firstNonNull(Inputs.text(variables.get(SCHEMA_OWNER), "schemaOwner"), profile == null ? null : profile.schemaOwner());
    String owner = Identifiers.droppableUser(dialect, ownerRaw, "schemaOwner");

    // A form sends its empty fields as empty text: empty means "as the profile says", like absent.
    Object companionsRaw = !Inputs.isBlank(variables.get(COMPANION_USERS)) ? variables.get(COMPANION_USERS)
        : profile == null ? null : profile.companionUsers();
    List<String> companions = new ArrayList<>();
    String prefix = null;
    List<String> companionTokens = Inputs.tokens(companionsRaw, limits.maxListEntries(), "companionUsers");
    if (companionTokens.size() == 1 && (companionTokens.get(0).endsWith("*") || companionTokens.get(0).endsWith("_"))) {
      String raw = companionTokens.get(0);
      raw = raw.endsWith("*") ? raw.substring(0, raw.length() - 1) : raw;
      prefix = Identifiers.canonical(dialect, raw, "companionUsers prefix");
      if (prefix.length() < MIN_PREFIX) {
        throw new InvalidInputException("companionUsers prefix '" + prefix + "' is too short: at least " + MIN_PREFIX + " characters");
      }
    } else {
      for (String token : companionTokens) {
        String user = Identifiers.droppableUser(dialect, token, "companion user");
        if (!user.equals(owner) && !companions.contains(user)) {
          companions.add(user);
        }
      }
    }

    String dumpFile = Identifiers.dumpFile(dialect, Inputs.text(variables.get(DUMP_FILE), "dumpFile"));

    Object keyTablesRaw = !Inputs.isBlank(variables.get(KEY_TABLES)) ? variables.get(KEY_TABLES)
        : profile == null ? null : profile.keyTables();
    List<String> keyTables = new ArrayList<>();
    for (String token : Inputs.tokens(keyTablesRaw, limits.maxListEntries(), "keyTables")) {
      String table = Identifiers.canonical(dialect, token, "key table");
      if (!keyTables.contains(table)) {
        keyTables.add(table);
      }
    }

    boolean safetyExport = Inputs.bool(variables.get(SAFETY_EXPORT),
        profile == null || profile.safetyExport() == null || profile.safetyExport(), "safetyExport");

    Map<String, String> sequences = new LinkedHashMap<>();
    if (profile != null) {
      profile.sequences().forEach((sequence, column) -> sequences.put(
          Identifiers.canonical(dialect, sequence, "profile sequence"), canonicalColumn(dialect, column)));
    }
    String reference = firstNonNull(Inputs.text(variables.get(REFERENCE_TARGET), "referenceTarget"),
        profile == null ? null : profile.referenceTarget());
    if (reference != null) {
      if (targets.find(reference).isEmpty()) {
        throw new InvalidInputException("unknown referenceTarget '" + Inputs.abbreviate(reference) + "'; configured targets: " + targets.names());
      }
      if (reference.equals(targetName)) {
        throw new InvalidInputException("referenceTarget must be another target than the one restored");
      }
      if (keyTables.isEmpty()) {
        throw new InvalidInputException("a referenceTarget is compared on the key tables: name at least one in keyTables");
      }
    }
    return new SchemaRestoreRequest(targetName, profileName, owner, companions, prefix, dumpFile, keyTables, safetyExport, sequences, reference);
  }

  /** The request as Cockpit shows it: strings and booleans only, no credentials. */
  @Override
  public Map<String, Object> display(SchemaRestoreRequest request) {
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put(TARGET, request.target());
    if (request.profile() != null) {
      variables.put(PROFILE, request.profile());
    }
    variables.put(SCHEMA_OWNER, request.schemaOwner());
    variables.put(COMPANION_USERS, request.companionPrefix() != null ? request.companionPrefix() + "*" : String.join(",", request.companionUsers()));
    variables.put(DUMP_FILE, request.dumpFile());
    variables.put(KEY_TABLES, String.join(",", request.keyTables()));
    variables.put(SAFETY_EXPORT, request.safetyExport());
    variables.put(REFERENCE_TARGET, request.referenceTarget());
    return variables;
  }

  private static String canonicalColumn(Dialect dialect, String tableDotColumn) {
    String[] parts = tableDotColumn == null ? new String[0] : tableDotColumn.split("\\.");
    if (parts.length != 2) {
      throw new InvalidInputException("profile sequence mapping '" + tableDotColumn + "' must be TABLE.COLUMN");
    }
    return Identifiers.canonical(dialect, parts[0], "table") + "." + Identifiers.canonical(dialect, parts[1], "column");
  }

  private static String firstNonNull(String first, String second) {
    return first != null ? first : second;
  }
}
