package io.rebound.backup;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A point refused: the refusal says what a point is and quotes only the start of what was typed, however long. */
class RecoveryPointTest {

  @Test
  void shouldQuoteOnlyTheStartOfALongTextItCannotRead() {
    String typed = " " + "yesterday-".repeat(1000) + " ";

    assertThatThrownBy(() -> RecoveryPoint.parse(typed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pointInTime '" + typed.strip().substring(0, 40) + "…' is neither 'latest' nor an ISO-8601 instant such as"
            + " 2026-11-30T14:05:00Z");
  }

  @Test
  void shouldQuoteAShortTextItCannotReadWhole() {
    assertThatThrownBy(() -> RecoveryPoint.parse(" soon ")).hasMessageStartingWith("pointInTime 'soon' is neither");
  }
}
