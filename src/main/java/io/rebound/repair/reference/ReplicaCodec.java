package io.rebound.repair.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The file form of a replica, the same in the working directory, in the database and on the server: gzip'd
 * JSON lines, a header, one line per row change, and a trailer holding the SHA-256 of every line before it.
 * A replica that is cut off, changed, or holds other changes than its header announces is refused whole:
 * half a replica applied would be worse than none.
 */
public final class ReplicaCodec {

  static final String FORMAT = "rebound-replica/1";
  /** What a decompressed replica may grow to; more is not a replica this system wrote. */
  static final int MAX_BYTES = 256 * 1024 * 1024;
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");
  private static final Pattern WORKSTATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplicaCodec() {}

  public static byte[] encode(Replica replica) {
    StringBuilder lines = new StringBuilder();
    ObjectNode header = JSON.createObjectNode().put("format", FORMAT).put("author", replica.author()).put("authorNo", replica.authorNo())
        .put("age", replica.age()).put("streamNo", replica.streamNo()).put("changes", replica.changes().size());
    lines.append(header).append('\n');
    for (Replica.Change change : replica.changes()) {
      ObjectNode line = JSON.createObjectNode().put("table", change.table()).put("op", String.valueOf(change.op())).put("key", change.key());
      if (change.row() != null) {
        line.set("row", change.row());
      }
      lines.append(line).append('\n');
    }
    String body = lines.toString();
    String trailer = JSON.createObjectNode().put("sha256", sha256(body)).toString();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write((body + trailer + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The replica the bytes hold; {@link CorruptReplicaException} when they do not hold exactly one whole replica. */
  public static Replica decode(byte[] bytes, String source) {
    String text = new String(gunzip(bytes, source), StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) {
      throw new CorruptReplicaException(source + " is cut off: its last line does not end");
    }
    int trailerStart = text.lastIndexOf('\n', text.length() - 2) + 1;
    String body = text.substring(0, trailerStart);
    JsonNode trailer = parse(text.substring(trailerStart, text.length() - 1), source, "trailer");
    String recorded = trailer.path("sha256").asText("");
    String actual = sha256(body);
    if (!actual.equals(recorded)) {
      throw new CorruptReplicaException(source + " does not match its checksum: its lines hash to SHA-256 " + actual + ", the trailer says '"
          + recorded + "'");
    }
    String[] lines = body.split("\n", -1);
    JsonNode header = parse(lines[0], source, "header");
    if (!FORMAT.equals(header.path("format").asText())) {
      throw new CorruptReplicaException(source + " is not a replica of format " + FORMAT);
    }
    String author = header.path("author").asText("");
    if (!WORKSTATION.matcher(author).matches()) {
      throw new CorruptReplicaException(source + " names no valid author workstation");
    }
    long authorNo = positive(header, "authorNo", 1, source);
    long age = positive(header, "age", 0, source);
    long streamNo = positive(header, "streamNo", 0, source);
    long announced = positive(header, "changes", 0, source);
    // The body ends with a newline, so the split leaves an empty last element after the header and the changes.
    if (lines.length - 2 != announced) {
      throw new CorruptReplicaException(source + " announces " + announced + " changes and holds " + (lines.length - 2));
    }
    List<Replica.Change> changes = new ArrayList<>();
    for (int i = 1; i < lines.length - 1; i++) {
      changes.add(change(parse(lines[i], source, "line " + (i + 1)), source, i + 1));
    }
    return new Replica(author, authorNo, age, streamNo, changes);
  }

  private static Replica.Change change(JsonNode line, String source, int number) {
    String table = line.path("table").asText("");
    if (!TABLE.matcher(table).matches()) {
      throw new CorruptReplicaException(source + " line " + number + " names no table as schema.table");
    }
    JsonNode key = line.get("key");
    if (key == null || !key.canConvertToLong() || !key.isIntegralNumber()) {
      throw new CorruptReplicaException(source + " line " + number + " has no whole-number key");
    }
    String op = line.path("op").asText("");
    JsonNode row = line.get("row");
    if (op.equals("U")) {
      if (!(row instanceof ObjectNode object)) {
        throw new CorruptReplicaException(source + " line " + number + " upserts without a row");
      }
      return Replica.Change.upsert(table, key.asLong(), object);
    }
    if (op.equals("D")) {
      if (row != null) {
        throw new CorruptReplicaException(source + " line " + number + " deletes and carries a row");
      }
      return Replica.Change.delete(table, key.asLong());
    }
    throw new CorruptReplicaException(source + " line " + number + " has operation '" + op + "', neither U nor D");
  }

  private static long positive(JsonNode header, String field, long min, String source) {
    JsonNode value = header.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min) {
      throw new CorruptReplicaException(source + " header: " + field + " must be a whole number of at least " + min);
    }
    return value.asLong();
  }

  private static JsonNode parse(String line, String source, String what) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        throw new CorruptReplicaException(source + " " + what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new CorruptReplicaException(source + " " + what + " is not JSON", e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gunzip(byte[] bytes, String source) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      byte[] text = in.readNBytes(MAX_BYTES + 1);
      if (text.length > MAX_BYTES) {
        throw new CorruptReplicaException(source + " unpacks to more than " + MAX_BYTES + " bytes");
      }
      return text;
    } catch (IOException e) {
      throw new CorruptReplicaException(source + " is not a whole gzip file: " + e.getMessage(), e);
    }
  }
}
