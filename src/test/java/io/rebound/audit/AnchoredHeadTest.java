package io.rebound.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.audit.AnchoredHead.Reading;
import io.rebound.audit.AnchoredHead.State;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnchoredHeadTest {

  static final AuditKey KEY = new AuditKey("0123456789abcdef0123456789abcdef");
  static final AnchoredHead HEAD = new AnchoredHead(KEY.id(), 42, "a".repeat(64), 42, 7, null, "2025-01-02T03:04:05.678Z");

  @Test
  void shouldOpenWhatItSealed() {
    String sealed = HEAD.seal(KEY);

    assertThat(AnchoredHead.open(Optional.of(sealed), KEY)).isEqualTo(new Reading(State.VALID, HEAD, null));
    assertThat(sealed).startsWith("{\"format\":1,\"keyId\":\"" + KEY.id() + "\",\"lastId\":42,").endsWith("\n");
    AnchoredHead withDiscrepancy = new AnchoredHead(KEY.id(), 43, "b".repeat(64), 43, 7, "rows were removed", "2025-01-02T03:04:06Z");
    assertThat(AnchoredHead.open(Optional.of(withDiscrepancy.seal(KEY)), KEY).head()).isEqualTo(withDiscrepancy);
  }

  @Test
  void shouldTellAMissingAnchor() {
    assertThat(AnchoredHead.open(Optional.empty(), KEY)).isEqualTo(new Reading(State.MISSING, null, "there is no anchor"));
  }

  @Test
  void shouldDetectEveryFieldChanged() {
    String sealed = HEAD.seal(KEY);
    for (String[] change : new String[][] {
        {"\"lastId\":42", "\"lastId\":41"},
        {"\"rows\":42", "\"rows\":40"},
        {"\"keyedFrom\":7", "\"keyedFrom\":1"},
        {"\"lastHash\":\"a", "\"lastHash\":\"b"},
        {"\"discrepancy\":null", "\"discrepancy\":\"x\""},
        {"\"writtenAt\":\"2025", "\"writtenAt\":\"2024"},
        {"\"format\":1", "\"format\":2"}}) {
      String forged = sealed.replace(change[0], change[1]);
      assertThat(forged).isNotEqualTo(sealed);
      assertThat(AnchoredHead.open(Optional.of(forged), KEY))
          .as(change[0]).isEqualTo(new Reading(State.FORGED, null, "its MAC does not match its content: it was altered"));
    }
  }

  @Test
  void shouldDetectAnAnchorSealedWithAnotherKeyUnderOurKeysName() {
    AuditKey mallory = new AuditKey("mallory-has-a-key-of-her-own-0123");
    String forged = HEAD.seal(mallory);

    assertThat(AnchoredHead.open(Optional.of(forged), KEY).state()).isEqualTo(State.FORGED);
  }

  @Test
  void shouldTellAChangedKey() {
    AuditKey previous = new AuditKey("the-key-before-it-was-changed-0123");
    String sealed = new AnchoredHead(previous.id(), 1, "a".repeat(64), 1, 1, null, "2025-01-01T00:00:00Z").seal(previous);

    assertThat(AnchoredHead.open(Optional.of(sealed), KEY)).isEqualTo(new Reading(State.KEY_CHANGED, null, "it was sealed with the audit key "
        + previous.id() + ", the configured key is " + KEY.id() + ": the key has changed (or the anchor was replaced)"));
  }

  @Test
  void shouldTellTextThatIsNoAnchor() {
    Reading reading = AnchoredHead.open(Optional.of("not json"), KEY);

    assertThat(reading.state()).isEqualTo(State.FORGED);
    assertThat(reading.reason()).startsWith("it is not an anchor Rebound wrote (");
    assertThat(AnchoredHead.open(Optional.of("{}"), KEY).state()).isEqualTo(State.FORGED);
  }
}
