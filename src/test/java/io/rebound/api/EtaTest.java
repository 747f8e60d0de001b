package io.rebound.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EtaTest {

  private static long[] at(long millis, long percent) {
    return new long[] {millis, percent};
  }

  @Test
  void shouldProjectTheRateSinceTheRiseBegan() {
    // 10% to 40% in 30 s: 1% a second, 60% left, so 60 s after the last point.
    assertThat(Eta.estimate(List.of(at(0, 10), at(10_000, 20), at(30_000, 40)), 30_000)).contains(90_000L);
  }

  @Test
  void shouldStartANewRiseAfterADrop() {
    // An export went to 100, then the import started from 0: only the import's rise counts.
    assertThat(Eta.estimate(List.of(at(0, 0), at(1_000, 100), at(2_000, 0), at(12_000, 50)), 12_000)).contains(22_000L);
  }

  @Test
  void shouldCountARiseThatStalledOnTheSameValue() {
    // 20% to 60% in 10 s, counted from the first 20%: 40% left takes 10 s more.
    assertThat(Eta.estimate(List.of(at(0, 20), at(5_000, 20), at(10_000, 60)), 10_000)).contains(20_000L);
  }

  @Test
  void shouldNeverAnswerATimeInThePast() {
    assertThat(Eta.estimate(List.of(at(0, 10), at(10_000, 60)), 50_000)).contains(50_000L);
  }

  @Test
  void shouldNotGuessWithoutARise() {
    assertThat(Eta.estimate(List.of(), 0)).isEmpty();
    assertThat(Eta.estimate(List.of(at(0, 30)), 0)).isEmpty();
    assertThat(Eta.estimate(List.of(at(0, 30), at(5_000, 30)), 5_000)).isEmpty();
    assertThat(Eta.estimate(List.of(at(0, 90), at(5_000, 10)), 5_000)).isEmpty();
    assertThat(Eta.estimate(List.of(at(5_000, 10), at(5_000, 20)), 5_000)).isEmpty();
  }

  @Test
  void shouldNotGuessOnceDone() {
    assertThat(Eta.estimate(List.of(at(0, 10), at(5_000, 100)), 5_000)).isEmpty();
  }

  @Test
  void shouldProjectJustBelowDone() {
    assertThat(Eta.estimate(List.of(at(0, 0), at(99_000, 99)), 99_000)).contains(100_000L);
  }
}
