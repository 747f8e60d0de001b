package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalTimesTest {

  @Test
  void shouldReadTheFirstAndLastEndOfATransactionFromPgWaldump() {
    WalTimes.Span span = WalTimes.read(List.of(
        "rmgr: Heap        len (rec/tot):     59/    59, tx:        722, lsn: 0/01500440, prev 0/01500408, desc: INSERT off 1 flags 0x08",
        "rmgr: Transaction len (rec/tot):     66/    66, tx:        723, lsn: 0/015006D0, prev 0/01500630, desc: COMMIT"
            + " 2026-11-30 16:14:52.914416 UTC; inval msgs: snapshot 2396",
        "rmgr: Transaction len (rec/tot):     34/    34, tx:        724, lsn: 0/015007D0, prev 0/015006D0, desc: ABORT"
            + " 2026-11-30 16:14:53.1 UTC",
        "rmgr: Transaction len (rec/tot):     66/    66, tx:        721, lsn: 0/015004B0, prev 0/01500438, desc: COMMIT"
            + " 2026-11-30 16:14:52.914293 UTC; inval msgs: catcache 21; sync",
        "rmgr: XLOG        len (rec/tot):    114/   114, tx:          0, lsn: 0/01500718, prev 0/015006D0, desc: CHECKPOINT_SHUTDOWN"
            + " redo 0/1500718; tli 1; prev tli 1; fpw true"));

    assertThat(span.first()).isEqualTo(Instant.parse("2026-11-30T16:14:52.914293Z"));
    assertThat(span.last()).isEqualTo(Instant.parse("2026-11-30T16:14:53.100Z"));
    assertThat(span.isEmpty()).isFalse();
  }

  @Test
  void shouldReadPreparedTransactionsAndWholeSeconds() {
    assertThat(WalTimes.time("desc: COMMIT_PREPARED 725: 2026-11-30 16:20:00.000001 UTC"))
        .contains(Instant.parse("2026-11-30T16:20:00.000001Z"));
    assertThat(WalTimes.time("desc: ABORT_PREPARED 726: 2026-11-30 16:20:01 UTC")).contains(Instant.parse("2026-11-30T16:20:01Z"));
    assertThat(WalTimes.time("desc: COMMIT 2026-11-30 16:20:01 CET")).as("only UTC, as pg_waldump prints with TZ=UTC").isEmpty();
    assertThat(WalTimes.time("desc: PREPARE gid 1: 2026-11-30 16:20:01 UTC")).isEmpty();
  }

  @Test
  void shouldFindNoSpanInWalWithoutTransactions() {
    WalTimes.Span span = WalTimes.read(List.of("rmgr: XLOG len (rec/tot): 30/30, tx: 0, lsn: 0/0, prev 0/0, desc: SWITCH"));

    assertThat(span.isEmpty()).isTrue();
    assertThat(span).isEqualTo(WalTimes.NONE);
  }

  @Test
  void shouldJoinSpans() {
    WalTimes.Span early = WalTimes.NONE.with(Instant.parse("2026-11-30T10:00:00Z"));
    WalTimes.Span late = WalTimes.NONE.with(Instant.parse("2026-11-30T12:00:00Z")).with(Instant.parse("2026-11-30T11:00:00Z"));

    assertThat(early.with(late)).isEqualTo(new WalTimes.Span(Instant.parse("2026-11-30T10:00:00Z"), Instant.parse("2026-11-30T12:00:00Z")));
    assertThat(late.with(early).first()).isEqualTo(Instant.parse("2026-11-30T10:00:00Z"));
    assertThat(early.with(WalTimes.NONE)).isEqualTo(early);
    assertThat(WalTimes.NONE.with(WalTimes.NONE)).isEqualTo(WalTimes.NONE);
  }
}
