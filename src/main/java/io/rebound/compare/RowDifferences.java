package io.rebound.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Which columns differ in a few of the rows a comparison found different, with both values as the comparison
 * normalised them (so a value shown equal compares equal). A value is withheld, its column still named, where
 * the column is secret by its name ({@link Withholding}) or where either value holds something the audit trail's
 * redactor would hide: results are kept in the engine database and shown to every reader of comparisons.
 */
public final class RowDifferences {

  /** Rows of a table whose columns are read again and shown: enough to see what differs, cheap to fetch. */
  public static final int MAX_ROWS = 10;

  /** The most characters of a value shown; longer values are cut, saying so. */
  static final int MAX_VALUE = 200;

  private RowDifferences() {}

  /** One different row: its key and the columns that differ in it. */
  public record Row(String key, List<ColumnValues> columns) {
    public Row {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }
  }

  /**
   * A column that differs: its name (the source's), both values, or none of them when {@code withheld}.
   * A NULL value is null.
   */
  public record ColumnValues(String column, String source, String destination, boolean withheld) {}

  /**
   * What is not shown. A column is secret when its name (bare, or {@code schema.table.column}) matches one of the
   * patterns in full, ignoring case; a value when the redactor changes it (a configured password, a key=value
   * secret...).
   */
  public record Withholding(List<Pattern> columns, UnaryOperator<String> redactor) {

    /** Column names that hold secrets in most schemas: passwords and their hashes, tokens, keys, credentials. */
    public static final List<String> DEFAULT_PATTERNS = List.of(".*(password|passwd|pwd|secret|token|api_?key|private_?key|credential|salt).*");

    public static final Withholding DEFAULT = of(List.of(), UnaryOperator.identity());

    public Withholding {
      columns = List.copyOf(columns);
      Objects.requireNonNull(redactor, "redactor");
    }

    /** The default patterns and {@code extra} ones (regular expressions), with the redactor. */
    public static Withholding of(List<String> extra, UnaryOperator<String> redactor) {
      List<Pattern> patterns = new ArrayList<>();
      DEFAULT_PATTERNS.forEach(p -> patterns.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE)));
      extra.forEach(p -> patterns.add(Pattern.compile(p, Pattern.CASE_INSENSITIVE)));
      return new Withholding(patterns, redactor);
    }

    boolean secretColumn(TableRef table, String column) {
      String qualified = (table.schema() + "." + table.table() + "." + column).toLowerCase(Locale.ROOT);
      String bare = column.toLowerCase(Locale.ROOT);
      return columns.stream().anyMatch(p -> p.matcher(bare).matches() || p.matcher(qualified).matches());
    }

    boolean secretValue(String value) {
      return value != null && !value.equals(redactor.apply(value));
    }
  }

  /**
   * The rows at {@code keys} (in their order) with the columns that differ between the two sides' values (each
   * row's normalised values, keys first, by its key text); a row no longer on both sides is left out (it changed
   * since it was compared).
   *
   * @param columns the compared columns, keys first, by the source's names
   * @param keyCount how many of them are the key
   */
  static List<Row> of(TableRef table, List<Column> columns, int keyCount, List<String> keys, Map<String, List<String>> sourceRows,
      Map<String, List<String>> destinationRows, Withholding withholding) {
    List<Row> rows = new ArrayList<>();
    for (String key : keys) {
      List<String> source = sourceRows.get(key);
      List<String> destination = destinationRows.get(key);
      if (source == null || destination == null) {
        continue;
      }
      List<ColumnValues> differing = new ArrayList<>();
      for (int i = keyCount; i < columns.size(); i++) {
        String a = source.get(i);
        String b = destination.get(i);
        if (!Objects.equals(a, b)) {
          String name = columns.get(i).name();
          boolean withheld = withholding.secretColumn(table, name) || withholding.secretValue(a) || withholding.secretValue(b);
          differing.add(withheld ? new ColumnValues(name, null, null, true) : new ColumnValues(name, cut(a), cut(b), false));
        }
      }
      rows.add(new Row(key, differing));
    }
    return rows;
  }

  static String cut(String value) {
    return value == null || value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE) + "… (" + value.length() + " characters)";
  }
}
