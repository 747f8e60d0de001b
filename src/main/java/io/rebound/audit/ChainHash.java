package io.rebound.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash each audit row carries over the hash of the row before it and its own fields. Rows are keyed
 * ({@link #KEYED}: an HMAC under the audit key, which whoever can write the engine database does not hold);
 * rows written before the chain was keyed keep the plain SHA-256 of that time ({@link #LEGACY}).
 */
final class ChainHash {

  /** The previous hash of the first row. */
  static final String GENESIS = "0".repeat(64);
  static final String LEGACY = "SHA-256";
  static final String KEYED = "HMAC-SHA256";

  private ChainHash() {}

  static String legacy(String previous, long id, String processInstanceId, String type, String step, String actor, String at,
      String outcome, String details) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] text = canonical(previous, id, processInstanceId, type, step, actor, at, outcome, details).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(digest.digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String keyed(AuditKey key, String previous, long id, String processInstanceId, String type, String step, String actor,
      String at, String outcome, String details) {
    return key.mac(canonical(previous, id, processInstanceId, type, step, actor, at, outcome, details));
  }

  /** The hash of a row by the algorithm it names; null for an algorithm this version does not know. */
  static String of(String algorithm, AuditKey key, String previous, long id, String processInstanceId, String type, String step,
      String actor, String at, String outcome, String details) {
    return switch (algorithm) {
      case KEYED -> keyed(key, previous, id, processInstanceId, type, step, actor, at, outcome, details);
      case LEGACY -> legacy(previous, id, processInstanceId, type, step, actor, at, outcome, details);
      default -> null;
    };
  }

  /** Fields length-prefixed, so moving text from one field to the next changes the hash. */
  static String canonical(Object... fields) {
    StringBuilder text = new StringBuilder();
    for (Object field : fields) {
      String value = field == null ? "" : field.toString();
      text.append(value.length()).append(':').append(value).append('|');
    }
    return text.toString();
  }
}
