package io.rebound.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.SequenceResync.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifyReportTest {

  static final SequenceResync MOVED = new SequenceResync("app.invoice_ids", List.of("app.invoices.invoice_id (default)"), 30L, 6L, 31L,
      Outcome.MOVED, null);
  static final SequenceResync PAST = new SequenceResync("app.orders_seq", List.of("app.orders.id (owned)"), 120L, 121L, 121L,
      Outcome.ALREADY_PAST, null);
  static final SequenceResync SHARED_BEHIND = new SequenceResync("shared.ids", List.of("app.tickets.id (default)"), 7L, 1L, 1L,
      Outcome.NOT_MOVED, "in schema shared, outside the restored schemas");

  @Test
  void shouldSayWhichSequenceMovedFromWhatToWhat() {
    assertThat(MOVED.describe()).isEqualTo("app.invoice_ids moved from 6 to 31 (feeds app.invoices.invoice_id (default), highest 30)");
    assertThat(PAST.describe()).isEqualTo("app.orders_seq left at 121, already past (feeds app.orders.id (owned), highest 120)");
    assertThat(new SequenceResync("app.s", List.of("app.t.id (owned)"), null, 1L, 1L, Outcome.ALREADY_PAST, null).describe())
        .isEqualTo("app.s left at 1, already past (feeds app.t.id (owned), no rows)");
  }

  @Test
  void shouldNameASequenceLeftBehindItsColumnsAsAProblem() {
    assertThat(SHARED_BEHIND.behind()).isTrue();
    assertThat(SHARED_BEHIND.describe()).isEqualTo("shared.ids NOT MOVED: in schema shared, outside the restored schemas; next value 1"
        + " (feeds app.tickets.id (default), highest 7): BEHIND, the next insert that takes its value fails until it is moved past 7");
    SequenceResync sharedAhead = new SequenceResync("shared.ids", List.of("app.tickets.id (default)"), 7L, 8L, 8L, Outcome.NOT_MOVED, "shared");
    assertThat(sharedAhead.behind()).isFalse();
    assertThat(sharedAhead.describe()).isEqualTo("shared.ids NOT MOVED: shared; next value 8 (feeds app.tickets.id (default), highest 7)");
    SequenceResync unknown = new SequenceResync("APP.S", List.of("trigger APP.T_BI on APP.T"), null, null, null, Outcome.NOT_MOVED, "no column");
    assertThat(unknown.behind()).isFalse();
    assertThat(unknown.describe()).isEqualTo("APP.S NOT MOVED: no column (feeds trigger APP.T_BI on APP.T, no rows)");
    assertThat(new SequenceResync("s", List.of(), 7L, null, null, Outcome.NOT_MOVED, "x").behind()).isFalse();
    assertThat(new SequenceResync("s", List.of(), 7L, 7L, 7L, Outcome.NOT_MOVED, "x").behind()).isTrue();
  }

  @Test
  void shouldSumUpSequencesInTheRunsSummaryWithoutFailingTheRunForThem() {
    VerifyReport report = new VerifyReport(List.of(), List.of(), Map.of("PRODUCTS", 40L), List.of(), List.of(MOVED, PAST, SHARED_BEHIND));

    assertThat(report.passed()).isTrue();
    assertThat(report.sequencesBehind()).containsExactly("shared.ids");
    assertThat(report.summary()).isEqualTo("Key tables: {PRODUCTS=40}. Invalid objects after import: 0. SEQUENCES LEFT BEHIND THEIR"
        + " COLUMNS: shared.ids. Sequences: " + MOVED.describe() + "; " + PAST.describe() + "; " + SHARED_BEHIND.describe());
    VerifyReport none = new VerifyReport(List.of("index a"), List.of("index a"), Map.of(), List.of("ORDERS"), List.of(PAST));
    assertThat(none.passed()).isFalse();
    assertThat(none.sequencesBehind()).isEmpty();
    assertThat(none.summary()).isEqualTo("Key tables: none named; EMPTY OR MISSING: ORDERS. Invalid objects after import: 1, still invalid:"
        + " index a. Sequences: " + PAST.describe());
    assertThat(new VerifyReport(List.of(), List.of(), Map.of(), List.of(), List.of()).summary()).endsWith("Sequences: none found");
  }

  @Test
  void shouldKeepTheSummaryWithinWhatAProcessVariableHoldsAndTheSequencesBehindInIt() {
    List<SequenceResync> many = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(new SequenceResync("app.sequence_" + i, List.of("app.table_" + i + ".id (default)"), 30L, 6L, 31L, Outcome.MOVED, null));
    }
    many.add(SHARED_BEHIND);
    String summary = new VerifyReport(List.of(), List.of(), Map.of(), List.of(), many).summary();

    assertThat(summary).hasSize(VerifyReport.SUMMARY_LIMIT).contains("SEQUENCES LEFT BEHIND THEIR COLUMNS: shared.ids")
        .endsWith(" ... (cut: every sequence is in the verify step's audit event)");
    many.remove(SHARED_BEHIND);
    String fits = new VerifyReport(List.of(), List.of(), Map.of(), List.of(), many.subList(0, 10)).summary();
    assertThat(fits).endsWith(many.get(9).describe());
    String prefix = "Key tables: {";
    String suffix = "=1}. Invalid objects after import: 0. Sequences: none found";
    String name = "x".repeat(VerifyReport.SUMMARY_LIMIT - prefix.length() - suffix.length());
    assertThat(new VerifyReport(List.of(), List.of(), Map.of(name, 1L), List.of(), List.of()).summary())
        .isEqualTo(prefix + name + suffix).hasSize(VerifyReport.SUMMARY_LIMIT);
  }
}
