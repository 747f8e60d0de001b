package io.rebound.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rebound.compare.PreparedTable.SideTable;
import io.rebound.compare.RowDifferences.ColumnValues;
import io.rebound.compare.RowDifferences.Row;
import io.rebound.compare.RowDifferences.Withholding;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Which columns differ in sampled rows, and what of them is shown. */
class RowDifferencesTest {

  private static final TableRef TABLE = new TableRef("shop", "accounts");
  private static final List<Column> COLUMNS = List.of(new Column("id", "integer", ColumnKind.NUMBER), new Column("login", "text", ColumnKind.TEXT),
      new Column("Password_Hash", "text", ColumnKind.TEXT), new Column("pin", "text", ColumnKind.TEXT), new Column("note", "text", ColumnKind.TEXT));
  private static final Withholding WITHHOLDING = Withholding.of(List.of("shop\\.accounts\\.pin"), text -> text.replace("hunter22", "***"));

  @Test
  void shouldNameEachColumnThatDiffersWithBothValuesKeysLeftOut() {
    List<Row> rows = RowDifferences.of(TABLE, COLUMNS, 1, List.of("7", "8"),
        Map.of("7", values("7", "ann", "h", "0000", "a"), "8", values("8", "bob", "h", "0000", null)),
        Map.of("7", values("7", "anne", "h", "0000", "a"), "8", values("8", "bob", "h", "0000", "set")), WITHHOLDING);

    assertThat(rows).containsExactly(new Row("7", List.of(new ColumnValues("login", "ann", "anne", false))),
        new Row("8", List.of(new ColumnValues("note", null, "set", false))));
  }

  @Test
  void shouldWithholdSecretColumnsByNameOrPatternAndValuesTheRedactorHides() {
    List<Row> rows = RowDifferences.of(TABLE, COLUMNS, 1, List.of("1"),
        Map.of("1", values("1", "ann", "h1", "0000", "x")), Map.of("1", values("1", "ann", "h2", "1234", "hunter22 was here")), WITHHOLDING);

    assertThat(rows).singleElement().extracting(Row::columns).asList().containsExactly(
        new ColumnValues("Password_Hash", null, null, true), new ColumnValues("pin", null, null, true), new ColumnValues("note", null, null, true));
    List<Row> fromSource = RowDifferences.of(TABLE, COLUMNS, 1, List.of("1"),
        Map.of("1", values("1", "hunter22", "h", "0000", "x")), Map.of("1", values("1", "ann", "h", "0000", "x")), WITHHOLDING);
    assertThat(fromSource.get(0).columns()).containsExactly(new ColumnValues("login", null, null, true));
  }

  @Test
  void shouldLeaveOutARowNoLongerOnBothSides() {
    List<Row> rows = RowDifferences.of(TABLE, COLUMNS, 1, List.of("1", "2", "3"),
        Map.of("1", values("1", "a", "h", "0", "x"), "3", values("3", "a", "h", "0", "x")),
        Map.of("2", values("2", "a", "h", "0", "x"), "3", values("3", "a", "h", "0", "x")), WITHHOLDING);

    assertThat(rows).containsExactly(new Row("3", List.of()));
  }

  @Test
  void shouldKnowSecretColumnsByDefaultAndByConfiguredPatterns() {
    Withholding defaults = Withholding.DEFAULT;
    for (String secret : List.of("password", "USER_PASSWORD", "passwd", "pwd_hash", "client_secret", "api_token", "apikey", "api_key",
        "private_key", "credentials", "salt")) {
      assertThat(defaults.secretColumn(TABLE, secret)).as(secret).isTrue();
    }
    for (String plain : List.of("login", "pin", "note", "price")) {
      assertThat(defaults.secretColumn(TABLE, plain)).as(plain).isFalse();
    }
    assertThat(WITHHOLDING.secretColumn(TABLE, "PIN")).isTrue();
    assertThat(WITHHOLDING.secretColumn(new TableRef("shop", "other"), "pin")).as("configured for one table only").isFalse();
    assertThat(Withholding.of(List.of("pin"), UnaryOperator.identity()).secretColumn(new TableRef("a", "b"), "pin")).isTrue();
    assertThat(Withholding.of(List.of("pin"), UnaryOperator.identity()).secretColumn(TABLE, "password")).as("the defaults kept beside a pattern")
        .isTrue();
    assertThat(Withholding.of(List.of("pi"), UnaryOperator.identity()).secretColumn(TABLE, "pin")).as("matched whole").isFalse();
    assertThat(defaults.secretValue("hunter22")).isFalse();
    assertThat(WITHHOLDING.secretValue("hunter22")).isTrue();
    assertThat(WITHHOLDING.secretValue(null)).isFalse();
    assertThatThrownBy(() -> new Withholding(List.of(), null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void shouldCutLongValuesSayingHowLongTheyWere() {
    assertThat(RowDifferences.cut(null)).isNull();
    assertThat(RowDifferences.cut("x".repeat(200))).isEqualTo("x".repeat(200));
    assertThat(RowDifferences.cut("x".repeat(201))).isEqualTo("x".repeat(200) + "… (201 characters)");
    List<Row> rows = RowDifferences.of(TABLE, COLUMNS, 1, List.of("1"), Map.of("1", values("1", "y".repeat(300), "h", "0", "x")),
        Map.of("1", values("1", "z", "h", "0", "x")), Withholding.DEFAULT);
    assertThat(rows.get(0).columns().get(0).source()).hasSize(200 + "… (300 characters)".length());
  }

  @Test
  void shouldReadTheRowsByTheirKeysWithEveryValueBound() {
    SideTable table = new SideTable(new PostgresCompareSql(), TABLE, List.of(new Column("id", "integer", ColumnKind.NUMBER),
        new Column("region", "text", ColumnKind.TEXT), new Column("login", "text", ColumnKind.TEXT)), 2, List.of(), false, null, List.of(), true);

    assertThat(table.sql().rowsByKeyQuery(table, 2)).isEqualTo("SELECT \"id\"::text, NULLIF(\"region\"::text, ''), NULLIF(\"login\"::text, '')"
        + " FROM \"shop\".\"accounts\" WHERE (\"id\" = CAST(? AS integer) AND \"region\" = CAST(? AS text))"
        + " OR (\"id\" = CAST(? AS integer) AND \"region\" = CAST(? AS text))");
    assertThat(ChunkSql.keyBinds(table, List.of(List.of("1", "eu"), List.of("2", "us")))).containsExactly("1", "eu", "2", "us");
    assertThat(new Row("k", null).columns()).isEmpty();
  }

  private static List<String> values(String... values) {
    return Arrays.asList(values);
  }
}
