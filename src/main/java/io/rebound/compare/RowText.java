package io.rebound.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of a row's normalised text for MD5, the same on both sides, so that it fits a VARCHAR2 on
 * Oracle (4000 bytes): a column whose text may be long is replaced by its own MD5 (a binary or LOB column
 * is its MD5 already, and counts as long), and a row that may still be too long is cut into groups of
 * columns, each group replaced by its MD5. Both sides lay a row out from the wider of their two columns,
 * so their texts match for equal data.
 */
final class RowText {

  /** Bytes a row's text may take, under VARCHAR2's 4000 with room for separators. */
  static final int BUDGET = 3800;

  /** A column whose text may be longer than this is hashed on its own. */
  static final int WIDE = 400;

  /** Stands for a column whose text is unbounded (PostgreSQL text, binary and LOB columns, anything of kind OTHER). */
  static final int UNBOUNDED = Integer.MAX_VALUE;

  private static final Pattern LENGTH = Pattern.compile("\\((\\d+)\\)");

  private RowText() {}

  /**
   * The most bytes a column's normalised, quoted text can take: text at four bytes a character with every
   * quote doubled; a number's TM9 text at most 64 characters plus sign and point.
   */
  static int width(Column column) {
    return switch (column.kind()) {
      case NUMBER -> 66;
      case DATE, TIMESTAMP, TIMESTAMP_TZ, DAY -> 26;
      case BOOLEAN -> 1;
      // Unbounded content, its digest in the row: the other side's column of any length is hashed too.
      case BINARY -> UNBOUNDED;
      case TEXT, CHAR -> {
        Matcher length = LENGTH.matcher(column.type());
        yield length.find() ? (int) Math.min(UNBOUNDED, 8L * Long.parseLong(length.group(1)) + 2) : UNBOUNDED;
      }
      case OTHER, UNSUPPORTED -> UNBOUNDED;
    };
  }

  /** Per column, the wider of the two sides' columns. */
  static List<Integer> widths(List<Column> source, List<Column> destination) {
    List<Integer> widths = new ArrayList<>();
    for (int i = 0; i < source.size(); i++) {
      widths.add(Math.max(width(source.get(i)), width(destination.get(i))));
    }
    return widths;
  }

  /**
   * The row's text expression from each column's part: wide columns as their MD5, then, if the row may still
   * pass the budget, consecutive groups of parts within the budget each as their MD5.
   */
  static String of(CompareSql sql, List<Column> columns, List<Integer> widths) {
    List<String> parts = new ArrayList<>();
    List<Integer> partWidths = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < columns.size(); i++) {
      Column column = columns.get(i);
      int width = widths.get(i);
      if (width > WIDE) {
        String value = sql.normalised(column);
        // A binary or LOB column's text is its digest already, computed once: hashed again, it would meet the
        // other side's text hashed once (an Oracle CLOB against a PostgreSQL text) as something else.
        parts.add(column.kind() == ColumnKind.BINARY ? "COALESCE(" + value + ", '~')"
            : "CASE WHEN " + value + " IS NULL THEN '~' ELSE " + sql.md5(value) + " END");
        width = 32;
      } else {
        parts.add(part(sql, column));
      }
      partWidths.add(width);
      total += width + 1;
    }
    if (total <= BUDGET) {
      return String.join(" || '|' || ", parts);
    }
    List<String> groups = new ArrayList<>();
    List<String> group = new ArrayList<>();
    int groupWidth = 0;
    for (int i = 0; i < parts.size(); i++) {
      if (!group.isEmpty() && groupWidth + partWidths.get(i) + 1 > BUDGET) {
        groups.add(sql.md5(String.join(" || '|' || ", group)));
        group = new ArrayList<>();
        groupWidth = 0;
      }
      group.add(parts.get(i));
      groupWidth += partWidths.get(i) + 1;
    }
    groups.add(sql.md5(String.join(" || '|' || ", group)));
    return String.join(" || '|' || ", groups);
  }

  /**
   * A column's part of the row text. Kinds whose normalised text holds neither {@code |} nor a quote
   * (numbers, dates, booleans, hashes) go as they are, NULL as {@code ~}; text is quoted SQL-style, quotes
   * doubled, NULL as {@code NULL}, so no two rows' values can run together into the same text.
   */
  private static String part(CompareSql sql, Column column) {
    String value = sql.normalised(column);
    return switch (column.kind()) {
      case TEXT, CHAR, OTHER -> "CASE WHEN " + value + " IS NULL THEN 'NULL' ELSE '''' || REPLACE(" + value + ", '''', '''''') || '''' END";
      default -> "COALESCE(" + value + ", '~')";
    };
  }
}
