package io.rebound.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rebound.target.Dialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Manifests as JSON, read back only once checked: every field present and of its form, positions of the dialect
 * and in order, a parent for an INCREMENTAL only, pieces with keys inside the manifest's own directory and SHA-256
 * checksums. The catalog is rebuilt from these alone, so a manifest that does not pass is refused with the reason.
 */
public final class ManifestJson {

  static final int FORMAT = 1;
  private static final String BACKUP = "backup";
  private static final String LOGS = "logs";
  /** Optional in a log batch: the last end of a transaction in each segment that holds one (older manifests lack it). */
  private static final String TRANSACTION_ENDS = "transactionEnds";
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestJson() {}

  public static byte[] write(Manifest manifest) {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("kind", manifest instanceof BackupManifest ? BACKUP : LOGS);
    node.put("id", manifest.id());
    node.put("target", manifest.target());
    node.put("dialect", manifest.dialect().name());
    if (manifest instanceof BackupManifest backup) {
      node.put("type", backup.type().name());
      node.put("parentId", backup.parentId());
    }
    node.put("timeline", manifest.timeline());
    node.put("databaseIdentity", manifest.databaseIdentity());
    node.put("startTime", manifest.startTime().toString());
    node.put("endTime", manifest.endTime().toString());
    node.put("startPosition", manifest.startPosition());
    node.put("endPosition", manifest.endPosition());
    ArrayNode pieces = node.putArray("pieces");
    for (Piece piece : manifest.pieces()) {
      pieces.addObject().put("name", piece.name()).put("key", piece.key()).put("size", piece.size()).put("sha256", piece.sha256());
    }
    if (manifest instanceof LogManifest batch && !batch.transactionEnds().isEmpty()) {
      ObjectNode ends = node.putObject(TRANSACTION_ENDS);
      batch.transactionEnds().forEach((name, end) -> ends.put(name, end.toString()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a manifest is plain JSON", e);
    }
  }

  /** Reads and checks a manifest found at {@code key}; its pieces must lie in the same directory. */
  public static Manifest read(byte[] bytes, String key) {
    JsonNode node;
    try {
      node = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("manifest " + key + " is not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("manifest " + key + " is not a JSON object");
    }
    try {
      Manifest manifest = parse(node, key);
      check(manifest, key);
      return manifest;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IllegalArgumentException("manifest " + key + " is refused: " + e.getMessage());
    }
  }

  private static Manifest parse(JsonNode node, String key) {
    int format = node.path("format").asInt(-1);
    if (format != FORMAT) {
      throw new IllegalArgumentException("format " + node.path("format") + " is not " + FORMAT);
    }
    String kind = text(node, "kind");
    Dialect dialect = Dialect.valueOf(text(node, "dialect"));
    List<Piece> pieces = new ArrayList<>();
    for (JsonNode piece : node.path("pieces")) {
      pieces.add(new Piece(text(piece, "name"), text(piece, "key"), number(piece, "size"), text(piece, "sha256")));
    }
    if (BACKUP.equals(kind)) {
      BackupType type = BackupType.valueOf(text(node, "type"));
      String parent = node.path("parentId").isTextual() ? node.get("parentId").asText() : null;
      return new BackupManifest(text(node, "id"), text(node, "target"), dialect, type, parent, number(node, "timeline"),
          text(node, "databaseIdentity"), Instant.parse(text(node, "startTime")), Instant.parse(text(node, "endTime")),
          text(node, "startPosition"), text(node, "endPosition"), pieces);
    }
    if (LOGS.equals(kind)) {
      Map<String, Instant> ends = new TreeMap<>();
      JsonNode recorded = node.path(TRANSACTION_ENDS);
      if (!recorded.isMissingNode() && !recorded.isObject()) {
        throw new IllegalArgumentException(TRANSACTION_ENDS + " is not an object of segment names and times");
      }
      recorded.fields().forEachRemaining(entry -> {
        if (!entry.getValue().isTextual()) {
          throw new IllegalArgumentException(TRANSACTION_ENDS + " of " + entry.getKey() + " is not a time");
        }
        ends.put(entry.getKey(), Instant.parse(entry.getValue().asText()));
      });
      return new LogManifest(text(node, "id"), text(node, "target"), dialect, number(node, "timeline"), text(node, "databaseIdentity"),
          Instant.parse(text(node, "startTime")), Instant.parse(text(node, "endTime")), text(node, "startPosition"),
          text(node, "endPosition"), pieces, ends);
    }
    throw new IllegalArgumentException("kind '" + kind + "' is neither " + BACKUP + " nor " + LOGS);
  }

  /** The rules every manifest keeps, whether about to be written or just read. */
  public static void check(Manifest manifest, String key) {
    BackupLayout.name("target", manifest.target());
    BackupLayout.name("id", manifest.id());
    if (manifest.databaseIdentity() == null || manifest.databaseIdentity().isBlank()) {
      throw new IllegalArgumentException("the database identity is missing");
    }
    if (manifest.timeline() < 1) {
      throw new IllegalArgumentException("timeline " + manifest.timeline() + " is not a timeline (1 or above)");
    }
    if (manifest.endTime().isBefore(manifest.startTime())) {
      throw new IllegalArgumentException("it ends (" + manifest.endTime() + ") before it starts (" + manifest.startTime() + ")");
    }
    if (Positions.order(manifest.dialect()).compare(manifest.endPosition(), manifest.startPosition()) < 0) {
      throw new IllegalArgumentException("its end position " + manifest.endPosition() + " is before its start position "
          + manifest.startPosition());
    }
    if (manifest instanceof BackupManifest backup) {
      if (backup.type() == BackupType.FULL && backup.parentId() != null) {
        throw new IllegalArgumentException("a FULL backup has no parent, this one names " + backup.parentId());
      }
      if (backup.type() == BackupType.INCREMENTAL && backup.parentId() == null) {
        throw new IllegalArgumentException("an INCREMENTAL backup names its parent, this one does not");
      }
    }
    if (manifest.pieces().isEmpty()) {
      throw new IllegalArgumentException("it lists no pieces");
    }
    String directory = key.substring(0, key.lastIndexOf('/') + 1);
    if (!directory.endsWith("/" + manifest.id() + "/") || !directory.contains(BackupLayout.ROOT + manifest.target() + "/")) {
      throw new IllegalArgumentException("it lies at " + key + ", outside the directory of " + manifest.target() + "'s " + manifest.id());
    }
    Set<String> names = new HashSet<>();
    for (Piece piece : manifest.pieces()) {
      BackupLayout.pieceName(piece.name());
      if (!names.add(piece.name())) {
        throw new IllegalArgumentException("piece " + piece.name() + " is listed twice");
      }
      if (!piece.key().equals(directory + piece.name())) {
        throw new IllegalArgumentException("piece " + piece.name() + " has key " + piece.key() + ", not " + directory + piece.name());
      }
      if (piece.size() < 0) {
        throw new IllegalArgumentException("piece " + piece.name() + " has a negative size");
      }
      if (piece.sha256() == null || !SHA256.matcher(piece.sha256()).matches()) {
        throw new IllegalArgumentException("piece " + piece.name() + " has no SHA-256 (64 lower-case hex digits)");
      }
    }
    if (manifest instanceof LogManifest batch) {
      // What a restore leaves out rests on these: each names a piece, within the batch's own times.
      batch.transactionEnds().forEach((name, end) -> {
        if (!names.contains(name)) {
          throw new IllegalArgumentException(TRANSACTION_ENDS + " names " + name + ", which is not a piece of the batch");
        }
        if (end.isBefore(batch.startTime()) || end.isAfter(batch.endTime())) {
          throw new IllegalArgumentException(TRANSACTION_ENDS + " of " + name + " (" + end + ") lies outside the batch's times "
              + batch.startTime() + " to " + batch.endTime());
        }
      });
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new IllegalArgumentException("'" + field + "' is missing or not text");
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("'" + field + "' is missing or not a whole number");
    }
    return value.asLong();
  }
}
