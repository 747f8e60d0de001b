package io.rebound.backup.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.backup.LogManifest;
import io.rebound.backup.Piece;
import io.rebound.backup.postgresql.WalBatch.Archived;
import io.rebound.backup.postgresql.WalBatch.Selection;
import io.rebound.target.Dialect;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalBatchTest {

  private static final long SIZE = 16L * 1024 * 1024;
  private static final String DB = "7713998739877447964";

  @Test
  void shouldShipEveryCompleteSegmentWhenNothingWasShippedYet() {
    Selection selection = WalBatch.select(segments(DB, 1, 3, 2, 1), List.of(), List.of(), SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000001", "000000010000000000000002", "000000010000000000000003");
    assertThat(WalNames.lsn(selection.start())).isEqualTo("0/1000000");
    assertThat(WalNames.lsn(selection.end())).isEqualTo("0/4000000");
    assertThat(selection.timeline()).isEqualTo(1);
    assertThat(selection.databaseIdentity()).isEqualTo(DB);
    assertThat(selection.gaps()).isEmpty();
    assertThat(selection.isEmpty()).isFalse();
  }

  @Test
  void shouldContinueWhereTheLastShippedBatchOfTheTimelineEnds() {
    List<LogManifest> shipped = List.of(batch(DB, 1, "0/1000000", "0/3000000", "000000010000000000000001", "000000010000000000000002"));

    Selection selection = WalBatch.select(segments(DB, 1, 1, 2, 3, 4), List.of(), shipped, SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000003", "000000010000000000000004");
    assertThat(WalNames.lsn(selection.start())).isEqualTo("0/3000000");
    assertThat(selection.gaps()).isEmpty();
  }

  @Test
  void shouldNameAGapBetweenTheLastShippedBatchAndTheNextSegment() {
    List<LogManifest> shipped = List.of(batch(DB, 1, "0/1000000", "0/2000000", "000000010000000000000001"));

    Selection selection = WalBatch.select(segments(DB, 1, 4, 5), List.of(), shipped, SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000004", "000000010000000000000005");
    assertThat(selection.gaps()).singleElement().asString().contains("from 0/2000000 to 0/4000000")
        .contains("000000010000000000000002 to 000000010000000000000003");
  }

  @Test
  void shouldStopAtAMissingSegmentAndNameIt() {
    Selection selection = WalBatch.select(segments(DB, 1, 1, 2, 4, 5), List.of(), List.of(), SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000001", "000000010000000000000002");
    assertThat(WalNames.lsn(selection.end())).isEqualTo("0/3000000");
    assertThat(selection.gaps()).singleElement().asString().contains("from 0/3000000 to 0/4000000")
        .contains("000000010000000000000003 to 000000010000000000000003").contains("next batch");
  }

  @Test
  void shouldShipTheLowestTimelineFirstAndEachTimelineOnItsOwn() {
    List<Archived> archived = new ArrayList<>(segments(DB, 2, 3, 4));
    archived.addAll(segments(DB, 1, 2, 3));
    List<LogManifest> shipped = List.of(batch(DB, 1, "0/1000000", "0/2000000", "000000010000000000000001"));

    Selection first = WalBatch.select(archived, List.of("00000002.history"), shipped, SIZE);
    assertThat(first.timeline()).isEqualTo(1);
    assertThat(first.gaps()).isEmpty();
    assertThat(names(first)).containsExactly("000000010000000000000002", "000000010000000000000003");

    List<LogManifest> after = List.of(shipped.get(0), batch(DB, 1, "0/2000000", "0/4000000", "000000010000000000000002",
        "000000010000000000000003", "00000002.history"));
    Selection second = WalBatch.select(archived, List.of("00000002.history"), after, SIZE);
    assertThat(second.timeline()).isEqualTo(2);
    assertThat(names(second)).containsExactly("000000020000000000000003", "000000020000000000000004");
    assertThat(second.gaps()).as("a new timeline starts where it branched, not where its parent was shipped to").isEmpty();
    assertThat(second.histories()).as("shipped already").isEmpty();
  }

  @Test
  void shouldOrderByTimelineBeforePosition() {
    List<Archived> archived = new ArrayList<>(segments(DB, 2, 3, 4));
    archived.addAll(segments(DB, 1, 5, 6));

    Selection selection = WalBatch.select(archived, List.of(), List.of(), SIZE);

    assertThat(selection.timeline()).isEqualTo(1);
    assertThat(names(selection)).containsExactly("000000010000000000000005", "000000010000000000000006");
  }

  @Test
  void shouldShipEachFileOnceAndNothingTheShippedRangeCovers() {
    List<LogManifest> shipped = List.of(batch(DB, 1, "0/1000000", "0/3000000"), batch(DB, 1, "0/0", "0/1000000",
        "000000010000000000000004"));

    Selection selection = WalBatch.select(segments(DB, 1, 1, 2, 3, 4, 5), List.of(), shipped, SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000003");
    assertThat(selection.gaps()).singleElement().asString().contains("from 0/4000000 to 0/5000000");
  }

  @Test
  void shouldShipHistoryFilesNotShippedYet() {
    Selection selection = WalBatch.select(segments(DB, 2, 3), List.of("00000002.history", "00000003.history"),
        List.of(batch(DB, 1, "0/1000000", "0/2000000", "000000010000000000000001", "00000002.history")), SIZE);

    assertThat(selection.histories()).containsExactly("00000003.history");
  }

  @Test
  void shouldFindNothingNewWhenEverythingIsShipped() {
    Selection selection = WalBatch.select(segments(DB, 1, 1, 2), List.of(),
        List.of(batch(DB, 1, "0/1000000", "0/3000000", "000000010000000000000001", "000000010000000000000002")), SIZE);

    assertThat(selection.segments()).isEmpty();
    assertThat(selection.isEmpty()).isTrue();
    assertThat(WalBatch.select(List.of(), List.of("00000002.history"), List.of(), SIZE).isEmpty()).isFalse();
  }

  @Test
  void shouldIgnoreBatchesOfAnotherDatabase() {
    List<LogManifest> shipped = List.of(batch("42", 1, "0/1000000", "0/9000000", "000000010000000000000001"));

    Selection selection = WalBatch.select(segments(DB, 1, 1, 2), List.of(), shipped, SIZE);

    assertThat(names(selection)).containsExactly("000000010000000000000001", "000000010000000000000002");
    assertThat(selection.gaps()).isEmpty();
  }

  @Test
  void shouldRefuseAnArchiveHoldingTwoDatabases() {
    List<Archived> archived = new ArrayList<>(segments(DB, 1, 1));
    archived.addAll(segments("42", 1, 2));

    assertThatThrownBy(() -> WalBatch.select(archived, List.of(), List.of(), SIZE)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("several databases").hasMessageContaining("[42, " + DB + "]");
  }

  @Test
  void shouldFindTheLastShippedBatchOfATimeline() {
    LogManifest early = batch(DB, 1, "0/1000000", "0/2000000");
    LogManifest late = batch(DB, 1, "0/2000000", "0/5000000");
    LogManifest other = batch(DB, 2, "0/5000000", "0/9000000");

    assertThat(WalBatch.last(List.of(late, other, early), DB, 1)).contains(late);
    assertThat(WalBatch.last(List.of(early, other, late), DB, 1)).contains(late);
    assertThat(WalBatch.last(List.of(late, other, early), "42", 1)).isEmpty();
  }

  static List<Archived> segments(String identity, long timeline, long... numbers) {
    List<Archived> segments = new ArrayList<>();
    for (long number : numbers) {
      String name = WalNames.segmentName(timeline, number * SIZE, SIZE);
      segments.add(new Archived(WalNames.segment(name, SIZE).orElseThrow(), identity));
    }
    return segments;
  }

  static LogManifest batch(String identity, long timeline, String start, String end, String... names) {
    List<Piece> pieces = new ArrayList<>();
    for (String name : names) {
      pieces.add(new Piece(name, "p/backups/pg/logs/2026/11/30/b/" + name, SIZE, "0".repeat(64)));
    }
    return new LogManifest("b-" + start.replace('/', '-'), "pg", Dialect.POSTGRESQL, timeline, identity, Instant.EPOCH,
        Instant.EPOCH, start, end, pieces);
  }

  private static List<String> names(Selection selection) {
    return selection.segments().stream().map(segment -> segment.segment().name()).toList();
  }
}
