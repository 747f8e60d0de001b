package io.rebound.compare;

import io.rebound.runbook.InvalidInputException;

/**
 * A user's WHERE condition, checked to be one boolean expression: no statement separator, no comment, no
 * unbalanced quote or parenthesis outside string literals. It is also always run in a read-only
 * transaction, so even a function with side effects cannot write.
 */
public final class WhereFilter {

  private static final int MAX_LENGTH = 4000;

  private WhereFilter() {}

  /** Returns the condition stripped, or null for none; throws {@link InvalidInputException} otherwise. */
  public static String validate(String where) {
    if (where == null || where.isBlank()) {
      return null;
    }
    String condition = where.strip();
    if (condition.length() > MAX_LENGTH) {
      throw new InvalidInputException("the WHERE filter is longer than " + MAX_LENGTH + " characters");
    }
    int depth = 0;
    for (int i = 0; i < condition.length(); i++) {
      char c = condition.charAt(i);
      if (c == '\'' || c == '"') {
        int end = closingQuote(condition, i, c);
        if (end < 0) {
          throw new InvalidInputException("the WHERE filter has an unclosed " + (c == '\'' ? "string" : "quoted identifier"));
        }
        i = end;
      } else if (c == ';') {
        throw new InvalidInputException("the WHERE filter must be a single condition: ';' is not allowed");
      } else if (c == '-' && i + 1 < condition.length() && condition.charAt(i + 1) == '-'
          || c == '/' && i + 1 < condition.length() && condition.charAt(i + 1) == '*') {
        throw new InvalidInputException("the WHERE filter must not contain comments");
      } else if (c == '$') {
        throw new InvalidInputException("the WHERE filter must not contain dollar quoting or parameters");
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        if (--depth < 0) {
          throw new InvalidInputException("the WHERE filter has a ')' without '('");
        }
      } else if (Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r') {
        throw new InvalidInputException("the WHERE filter contains a control character");
      }
    }
    if (depth != 0) {
      throw new InvalidInputException("the WHERE filter has an unclosed '('");
    }
    return condition;
  }

  /** Index of the quote closing the one at {@code start} (doubled quotes are escapes), or -1. */
  private static int closingQuote(String text, int start, char quote) {
    for (int i = start + 1; i < text.length(); i++) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i++;
        } else {
          return i;
        }
      } else if (quote == '\'' && text.charAt(i) == '\\') {
        // PostgreSQL E'' strings and standard_conforming_strings=off take backslash escapes: refuse the ambiguity.
        throw new InvalidInputException("the WHERE filter must not use backslashes in strings");
      }
    }
    return -1;
  }
}
