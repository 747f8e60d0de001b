package io.rebound.restore.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import io.rebound.restore.postgresql.PostgresSequences.Feed;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresSequencesTest {

  @Test
  void shouldFindSequencesFedByADefaultAsWellAsOwnedAndIdentityOnes() {
    assertThat(PostgresSequences.FEEDING)
        .contains("d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')")
        .contains("JOIN pg_attrdef ad ON ad.oid = d.objid")
        .contains("d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'n'")
        .contains("(sn.nspname = ANY(?) OR tn.nspname = ANY(?))");
  }

  @Test
  void shouldMoveOnlyForwardAndOnlyWhenAsked() {
    List<Feed> feeds = List.of(new Feed("app", "invoices", "invoice_id", "default"), new Feed("other", "old_invoices", "id", "default"));

    String moving = PostgresSequences.resyncSql("app", "invoice_ids", feeds, true);
    String reading = PostgresSequences.resyncSql("app", "invoice_ids", feeds, false);

    assertThat(moving).contains("SELECT max(\"invoice_id\")::numeric AS v FROM \"app\".\"invoices\" UNION ALL"
            + " SELECT max(\"id\")::numeric AS v FROM \"other\".\"old_invoices\"")
        .contains("CASE WHEN s.is_called THEN s.last_value + p.seqincrement ELSE s.last_value END AS next")
        .contains("FROM \"app\".\"invoice_ids\" s, pg_catalog.pg_sequence p WHERE p.seqrelid = '\"app\".\"invoice_ids\"'::regclass")
        .contains("CASE WHEN state.increment > 0 AND highest.v >= state.next THEN setval('\"app\".\"invoice_ids\"'::regclass,"
            + " (highest.v + 1)::bigint, false) ELSE state.next END");
    assertThat(reading).doesNotContain("setval").endsWith("SELECT state.increment, highest.v, state.next, state.next FROM state, highest");
  }

  @Test
  void shouldQuoteCatalogNamesWhateverTheyHold() {
    assertThat(PostgresSequences.quoted("we\"ird")).isEqualTo("\"we\"\"ird\"");
    assertThat(PostgresSequences.resyncSql("o'brien", "ids", List.of(new Feed("o'brien", "t", "id", "owned")), true))
        .contains("setval('\"o''brien\".\"ids\"'::regclass").contains("FROM \"o'brien\".\"ids\" s");
    assertThat(new Feed("app", "t", "id", "identity").describe()).isEqualTo("app.t.id (identity)");
  }
}
