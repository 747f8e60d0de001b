package io.rebound.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GapTest {

  @Test
  void shouldSayWhichQueueAndNumbersAreMissing() {
    assertThat(new Gap(Gap.QUE_IN, 3, 7)).hasToString("QueIn 3..7");
    assertThat(new Gap(Gap.QUE_OUT, 3, Long.MAX_VALUE)).hasToString("QueOut 3..");
    assertThat(new Gap(Gap.QUE_OUT, 3, Long.MAX_VALUE).openEnded()).isTrue();
    assertThat(new Gap(Gap.QUE_IN, 1, 1).openEnded()).isFalse();
  }

  @Test
  void shouldRefuseAGapThatIsNoGap() {
    assertThatThrownBy(() -> new Gap("Other", 1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Gap(Gap.QUE_IN, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Gap(Gap.QUE_IN, 3, 2)).isInstanceOf(IllegalArgumentException.class);
  }
}
