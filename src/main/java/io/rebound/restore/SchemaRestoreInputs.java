package io.rebound.restore;

import static io.rebound.restore.SchemaRestoreProcess.Variables.*;

import io.rebound.config.ReboundProperties;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import io.rebound.target.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Reads and validates the inputs of a schema restore, whichever way they came in (Tasklist form, the
 * engine's REST API, {@code POST /api/schema-restores}), and writes them back in canonical form.
 */
@Component
public class SchemaRestoreInputs {

  static final Set<String> ACCEPTED = Set.of(TARGET, PROFILE, SCHEMA_OWNER, COMPANION_USERS, DUMP_FILE, KEY_TABLES, SAFETY_EXPORT,
      REFERENCE_TARGET);
  private static final int MIN_PREFIX = 3;

  private final Targets targets;
  private final Map<String, RestoreProfile> profiles;

  public SchemaRestoreInputs(Targets targets, ReboundProperties properties) {
    this.targets = targets;
    this.profiles = properties.restoreProfiles();
  }

  /** Validates start variables; throws {@link InvalidInputException} on the first problem found. */
  public SchemaRestoreRequest parse(Map<String, ?> variables) {
    for (String name : variables.keySet()) {
      if (!ACCEPTED.contains(name)) {
        throw new InvalidInputException("unknown input '" + name + "'; accepted: " + String.join(", ", ACCEPTED.stream().sorted().toList()));
      }
    }
    String targetName = text(variables.get(TARGET));
    if (targetName == null) {
      throw new InvalidInputException("target is required; configured targets: " + targets.names());
    }
    Dialect dialect = targets.find(targetName)
        .orElseThrow(() -> new InvalidInputException("unknown target '" + abbreviate(targetName) + "'; configured targets: " + targets.names()))
        .dialect();

    String profileName = text(variables.get(PROFILE));
    RestoreProfile profile = null;
    if (profileName != null) {
      profile = profiles.get(profileName);
      if (profile == null) {
        throw new InvalidInputException("unknown restore profile '" + abbreviate(profileName) + "'; configured profiles: " + profiles.keySet());
      }
    }

    String ownerRaw = firstNonNull(text(variables.get(SCHEMA_OWNER)), profile == null ? null : profile.schemaOwner());
    String owner = Identifiers.droppableUser(dialect, ownerRaw, "schemaOwner");

    // A form sends its empty fields as empty text: empty means "as the profile says", like absent.
    Object companionsRaw = !isBlank(variables.get(COMPANION_USERS)) ? variables.get(COMPANION_USERS)
        : profile == null ? null : profile.companionUsers();
    List<String> companions = new ArrayList<>();
    String prefix = null;
    List<String> companionTokens = tokens(companionsRaw);
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

    String dumpFile = Identifiers.dumpFile(text(variables.get(DUMP_FILE)));

    Object keyTablesRaw = !isBlank(variables.get(KEY_TABLES)) ? variables.get(KEY_TABLES)
        : profile == null ? null : profile.keyTables();
    List<String> keyTables = new ArrayList<>();
    for (String token : tokens(keyTablesRaw)) {
      String table = Identifiers.canonical(dialect, token, "key table");
      if (!keyTables.contains(table)) {
        keyTables.add(table);
      }
    }

    boolean safetyExport = bool(variables.get(SAFETY_EXPORT), profile == null || profile.safetyExport() == null || profile.safetyExport());

    Map<String, String> sequences = new LinkedHashMap<>();
    if (profile != null) {
      profile.sequences().forEach((sequence, column) -> sequences.put(
          Identifiers.canonical(dialect, sequence, "profile sequence"), canonicalColumn(dialect, column)));
    }
    String reference = firstNonNull(text(variables.get(REFERENCE_TARGET)), profile == null ? null : profile.referenceTarget());
    if (reference != null) {
      if (targets.find(reference).isEmpty()) {
        throw new InvalidInputException("unknown referenceTarget '" + abbreviate(reference) + "'; configured targets: " + targets.names());
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

  /** The variables a validated request is stored as: strings and booleans only, no credentials. */
  public Map<String, Object> toVariables(SchemaRestoreRequest request) {
    Map<String, Object> variables = new HashMap<>();
    variables.put(TARGET, request.target());
    if (request.profile() != null) {
      variables.put(PROFILE, request.profile());
    }
    variables.put(SCHEMA_OWNER, request.schemaOwner());
    variables.put(COMPANION_USERS, request.companionPrefix() != null ? request.companionPrefix() + "*" : String.join(",", request.companionUsers()));
    variables.put(DUMP_FILE, request.dumpFile());
    variables.put(KEY_TABLES, String.join(",", request.keyTables()));
    variables.put(SAFETY_EXPORT, request.safetyExport());
    // Always present, so the model can ask whether there is one.
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

  private static List<String> tokens(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof Collection<?> collection) {
      return collection.stream().map(SchemaRestoreInputs::text).filter(s -> s != null).toList();
    }
    String text = text(value);
    if (text == null) {
      return List.of();
    }
    return Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
  }

  private static boolean isBlank(Object value) {
    return value == null || (value instanceof String text && text.isBlank()) || (value instanceof Collection<?> list && list.isEmpty());
  }

  private static boolean bool(Object value, boolean defaultValue) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().strip().toLowerCase();
    return switch (text) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw new InvalidInputException("safetyExport must be true or false, not '" + abbreviate(text) + "'");
    };
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
      throw new InvalidInputException("inputs must be text, not " + value.getClass().getSimpleName());
    }
    String text = value.toString().strip();
    return text.isEmpty() ? null : text;
  }

  private static String firstNonNull(String first, String second) {
    return first != null ? first : second;
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
