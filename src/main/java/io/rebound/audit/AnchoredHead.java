package io.rebound.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * What the anchor holds: the trail's head as it was when a row was last appended, sealed with the audit key
 * so that an anchor written by anyone else is told apart.
 *
 * @param keyId the id of the key that sealed it
 * @param lastId the id of the trail's last row
 * @param lastHash that row's hash
 * @param rows how many rows the trail held
 * @param keyedFrom the first row with a keyed hash; rows before it were written before the chain was keyed,
 *     with plain SHA-256, and are trusted as far as the keyed chain and this anchor vouch for their last hash
 * @param discrepancy what a writer found when it moved the anchor on from a head the trail no longer ended
 *     at (rows removed or rewritten): carried into every later anchor, so new rows do not bury the evidence
 * @param writtenAt when it was written, ISO-8601 UTC
 */
record AnchoredHead(String keyId, long lastId, String lastHash, long rows, long keyedFrom, String discrepancy, String writtenAt) {

  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What reading the anchor found. */
  enum State { MISSING, UNREADABLE, VALID, FORGED, KEY_CHANGED }

  /**
   * An anchor as read: its head when {@code state} is VALID.
   *
   * @param reason why it is not valid, for the operator
   */
  record Reading(State state, AnchoredHead head, String reason) {}

  /** The stored form: JSON an operator can read, with the MAC over every field. */
  private record Sealed(int format, String keyId, long lastId, String lastHash, long rows, long keyedFrom, String discrepancy,
      String writtenAt, String mac) {}

  String seal(AuditKey key) {
    try {
      return JSON.writeValueAsString(new Sealed(FORMAT, keyId, lastId, lastHash, rows, keyedFrom, discrepancy, writtenAt,
          key.mac(macText(FORMAT, keyId, lastId, lastHash, rows, keyedFrom, discrepancy, writtenAt)))) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static Reading open(Optional<String> text, AuditKey key) {
    if (text.isEmpty()) {
      return new Reading(State.MISSING, null, "there is no anchor");
    }
    Sealed sealed;
    try {
      sealed = JSON.readValue(text.get(), Sealed.class);
    } catch (JsonProcessingException e) {
      return new Reading(State.FORGED, null, "it is not an anchor Rebound wrote (" + e.getOriginalMessage() + ")");
    }
    String expected = key.mac(macText(sealed.format(), sealed.keyId(), sealed.lastId(), sealed.lastHash(), sealed.rows(),
        sealed.keyedFrom(), sealed.discrepancy(), sealed.writtenAt()));
    if (!AuditKey.sameMac(expected, sealed.mac())) {
      if (sealed.keyId() != null && !key.id().equals(sealed.keyId())) {
        return new Reading(State.KEY_CHANGED, null, "it was sealed with the audit key " + sealed.keyId() + ", the configured key is "
            + key.id() + ": the key has changed (or the anchor was replaced)");
      }
      return new Reading(State.FORGED, null, "its MAC does not match its content: it was altered");
    }
    return new Reading(State.VALID, new AnchoredHead(sealed.keyId(), sealed.lastId(), sealed.lastHash(), sealed.rows(),
        sealed.keyedFrom(), sealed.discrepancy(), sealed.writtenAt()), null);
  }

  private static String macText(int format, String keyId, long lastId, String lastHash, long rows, long keyedFrom,
      String discrepancy, String writtenAt) {
    return ChainHash.canonical("rebound-audit-anchor", format, keyId, lastId, lastHash, rows, keyedFrom, discrepancy, writtenAt);
  }
}
