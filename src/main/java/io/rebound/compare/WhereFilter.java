package io.rebound.compare;

import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A user's WHERE condition, parsed and checked against the grammar of {@link FilterGrammar}: the table's own
 * columns, literals, comparisons, AND / OR / NOT, arithmetic, IN with literals, BETWEEN, LIKE, IS NULL, and a
 * short list of functions and casts that both sides' dialects allow ({@link FilterFunctions}). Anything else
 * (a subquery, any other function, a parameter, a system column, a comment...) is refused with the part
 * named. What runs on each side is written anew from the checked tree, never the text as given. It also
 * runs in a read-only transaction with a statement timeout.
 */
public final class WhereFilter {

  static final int MAX_LENGTH = 4000;

  /**
   * A column the filter names, as written: a plain name (matched whatever its case, as the comparison's other
   * column names are) or a quoted one (matched exactly).
   */
  public record ColumnName(String name, boolean quoted) {
    @Override
    public String toString() {
      return quoted ? '"' + name + '"' : name;
    }
  }

  private final String text;
  private final Set<Dialect> dialects;
  private final List<ColumnName> columns;

  private WhereFilter(String text, Set<Dialect> dialects, List<ColumnName> columns) {
    this.text = text;
    this.dialects = dialects;
    this.columns = List.copyOf(columns);
  }

  /**
   * Checks a condition for a comparison between two dialects and returns it as it is kept (the form
   * {@link #parse} reads again), or null for none; throws {@link InvalidInputException} naming what is refused.
   */
  public static String validate(String where, Dialect source, Dialect destination) {
    WhereFilter filter = parse(where, source, destination);
    return filter == null ? null : filter.text();
  }

  /** {@link #validate(String, Dialect, Dialect)} for a filter that must run on either dialect. */
  public static String validate(String where) {
    return validate(where, Dialect.POSTGRESQL, Dialect.ORACLE);
  }

  /** The checked condition, or null for none. */
  public static WhereFilter parse(String where, Dialect source, Dialect destination) {
    if (where == null || where.isBlank()) {
      return null;
    }
    String condition = where.strip();
    if (condition.length() > MAX_LENGTH) {
      throw FilterGrammar.refused("is longer than " + MAX_LENGTH + " characters");
    }
    if (condition.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
      throw FilterGrammar.refused("contains a control character");
    }
    Set<Dialect> dialects = EnumSet.of(source, destination);
    Set<ColumnName> named = new LinkedHashSet<>();
    String kept;
    try {
      kept = FilterGrammar.write(FilterGrammar.parse(condition), dialects, null, null, named::add);
    } catch (StackOverflowError e) {
      throw FilterGrammar.refused("is nested too deeply");
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      // The parser's tree could not be read as the grammar reads it: refused, whatever it was.
      throw FilterGrammar.refused("could not be checked: " + e.getClass().getSimpleName());
    }
    if (kept.length() > MAX_LENGTH) {
      throw FilterGrammar.refused("is longer than " + MAX_LENGTH + " characters once written out with its parentheses");
    }
    // The kept form is parsed again at every start of a table, so it must read back as itself; and as it
    // parenthesises every compound operand, parsing it bounds how deep operators nest.
    if (!kept.equals(FilterGrammar.write(FilterGrammar.parse(kept), dialects, null, null, column -> {}))) {
      throw FilterGrammar.refused("cannot be written back unchanged: " + kept);
    }
    return new WhereFilter(kept, dialects, new ArrayList<>(named));
  }

  /** The condition as it is kept: plain columns in lower case, quoted ones quoted, keywords in capitals. */
  public String text() {
    return text;
  }

  /** The columns the condition names, each once, in order. */
  public List<ColumnName> columns() {
    return columns;
  }

  /**
   * The condition as one side runs it: each column quoted by the name {@code columnName} gives it in that
   * side's table (which throws where there is none), functions as that dialect calls them.
   */
  public String sql(Dialect dialect, Function<ColumnName, String> columnName) {
    if (!dialects.contains(dialect)) {
      throw new IllegalArgumentException("the filter was checked for " + dialects + ", not " + dialect);
    }
    return FilterGrammar.write(FilterGrammar.parse(text), dialects, dialect, columnName, column -> {});
  }

  @Override
  public String toString() {
    return text;
  }
}
