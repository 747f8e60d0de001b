package io.rebound.restore.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads which sequences a column default or a trigger body calls, and which column each call fills. Oracle
 * keeps both texts as LONGs (DBA_TAB_COLUMNS.DATA_DEFAULT, DBA_TRIGGERS.TRIGGER_BODY) that SQL cannot search,
 * and a dependency tells no column, so the text itself is read: split into tokens as PL/SQL does (strings,
 * quoted identifiers and comments are never mistaken for code), then {@code [owner.]sequence.NEXTVAL} calls
 * followed into the {@code :NEW} column they are assigned, selected or inserted into. A call whose column
 * cannot be told is returned without one, so that it is reported rather than guessed.
 */
final class SequenceCalls {

  /** A sequence as the text names it: owner null when unqualified (the object's owner, or a synonym). */
  record Name(String owner, String name) {
    @Override
    public String toString() {
      return owner == null ? name : owner + "." + name;
    }
  }

  /**
   * One call of a sequence in a trigger and where its value goes.
   *
   * @param table the table filled, null for the trigger's own table ({@code :NEW})
   * @param column the column filled, null when the body does not tell
   */
  record Use(Name sequence, Name table, String column) {}

  enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL }

  /** WORD text is upper-cased, as Oracle folds unquoted names; QUOTED text is exact. */
  record Token(Kind kind, String text) {
    boolean is(String symbolOrWord) {
      return (kind == Kind.SYMBOL || kind == Kind.WORD) && text.equals(symbolOrWord);
    }

    boolean isName() {
      return kind == Kind.WORD || kind == Kind.QUOTED;
    }
  }

  private static final Pattern NEW_ALIAS = Pattern.compile("\\bNEW\\s+AS\\s+\"?([^\"\\s]+)\"?", Pattern.CASE_INSENSITIVE);
  /** Words after which a name at the start of a statement is a declaration or a plain assignment target. */
  private static final Set<String> BLOCK_WORDS = Set.of("DECLARE", "BEGIN", "THEN", "ELSE", "LOOP", "IS", "AS");

  private SequenceCalls() {}

  /** The sequences whose NEXTVAL the text calls, in order, each once; calls over a database link are left out. */
  static List<Name> nextvalCalls(String text) {
    List<Token> tokens = tokens(text);
    return List.copyOf(new LinkedHashSet<>(calls(tokens, 0, tokens.size()).values()));
  }

  /** The {@code :NEW} alias of a trigger from DBA_TRIGGERS.REFERENCING_NAMES ({@code NEW} when it says none). */
  static String newAlias(String referencingNames) {
    if (referencingNames == null) {
      return "NEW";
    }
    Matcher matcher = NEW_ALIAS.matcher(referencingNames);
    return matcher.find() ? matcher.group(1).toUpperCase(Locale.ROOT) : "NEW";
  }

  /** Each sequence call of a trigger body with the column it fills, as far as the body tells. */
  static List<Use> triggerUses(String body, String newAlias) {
    List<Token> tokens = tokens(body);
    Map<Integer, Name> calls = calls(tokens, 0, tokens.size());
    Map<Integer, Use> placed = new LinkedHashMap<>();
    Map<String, List<Integer>> variables = new HashMap<>();
    int start = 0;
    for (int i = 0; i <= tokens.size(); i++) {
      if (i == tokens.size() || tokens.get(i).is(";")) {
        statement(tokens.subList(start, i), start, calls, variables, placed, newAlias);
        start = i + 1;
      }
    }
    List<Use> uses = new ArrayList<>();
    for (Map.Entry<Integer, Name> call : calls.entrySet()) {
      Use use = placed.getOrDefault(call.getKey(), new Use(call.getValue(), null, null));
      if (!uses.contains(use)) {
        uses.add(use);
      }
    }
    return uses;
  }

  /** Places the calls one statement's value flows from into columns, or into variables for later statements. */
  private static void statement(List<Token> st, int offset, Map<Integer, Name> calls, Map<String, List<Integer>> variables,
      Map<Integer, Use> placed, String newAlias) {
    int assign = indexOf(st, ":=", 0);
    if (assign != -1) {
      List<Integer> sources = sources(st, assign + 1, st.size(), offset, calls, variables);
      into(st.subList(0, assign), sources, variables, placed, calls, newAlias, true);
      return;
    }
    int select = indexOf(st, "SELECT", 0);
    int into = select == -1 ? -1 : topLevel(st, "INTO", select + 1);
    if (into != -1) {
      int from = topLevel(st, "FROM", into + 1);
      List<int[]> items = split(st, select + 1, into);
      List<int[]> targets = split(st, into + 1, from == -1 ? st.size() : from);
      for (int k = 0; k < Math.min(items.size(), targets.size()); k++) {
        List<Integer> sources = sources(st, items.get(k)[0], items.get(k)[1], offset, calls, variables);
        into(st.subList(targets.get(k)[0], targets.get(k)[1]), sources, variables, placed, calls, newAlias, false);
      }
      return;
    }
    int insert = indexOf(st, "INSERT", 0);
    if (insert != -1 && insert + 1 < st.size() && st.get(insert + 1).is("INTO")) {
      insert(st, insert + 2, offset, calls, variables, placed);
    }
  }

  /** {@code INSERT INTO [owner.]table (columns) VALUES (values)}: each call goes to the column in its place. */
  private static void insert(List<Token> st, int at, int offset, Map<Integer, Name> calls, Map<String, List<Integer>> variables,
      Map<Integer, Use> placed) {
    if (at >= st.size() || !st.get(at).isName()) {
      return;
    }
    Name table = new Name(null, st.get(at).text());
    int next = at + 1;
    if (next + 1 < st.size() && st.get(next).is(".") && st.get(next + 1).isName()) {
      table = new Name(st.get(at).text(), st.get(next + 1).text());
      next += 2;
    }
    if (next >= st.size() || !st.get(next).is("(")) {
      return;
    }
    int close = closing(st, next);
    if (close == -1 || close + 2 >= st.size() || !st.get(close + 1).is("VALUES") || !st.get(close + 2).is("(")) {
      return;
    }
    int values = close + 1;
    int valuesClose = closing(st, values + 1);
    if (valuesClose == -1) {
      return;
    }
    List<int[]> columns = split(st, next + 1, close);
    List<int[]> expressions = split(st, values + 2, valuesClose);
    for (int k = 0; k < Math.min(columns.size(), expressions.size()); k++) {
      int[] column = columns.get(k);
      if (column[1] - column[0] != 1 || !st.get(column[0]).isName()) {
        continue;
      }
      for (int call : sources(st, expressions.get(k)[0], expressions.get(k)[1], offset, calls, variables)) {
        placed.put(call, new Use(calls.get(call), table, st.get(column[0]).text()));
      }
    }
  }

  /** Where a value goes: a {@code :NEW} column, or a variable that a later statement may pass on. */
  private static void into(List<Token> target, List<Integer> sources, Map<String, List<Integer>> variables, Map<Integer, Use> placed,
      Map<Integer, Name> calls, String newAlias, boolean assignment) {
    if (sources.isEmpty() || target.isEmpty()) {
      return;
    }
    int n = target.size();
    if (n >= 4 && target.get(n - 4).is(":") && target.get(n - 3).isName() && target.get(n - 2).is(".") && target.get(n - 1).isName()) {
      if (target.get(n - 3).text().equals(newAlias)) {
        for (int call : sources) {
          placed.put(call, new Use(calls.get(call), null, target.get(n - 1).text()));
        }
      }
      return;
    }
    String variable = assignment ? assignedVariable(target) : target.size() == 1 && target.get(0).isName() ? target.get(0).text() : null;
    if (variable != null) {
      variables.put(variable, List.copyOf(sources));
    }
  }

  /** The variable left of {@code :=}: {@code v := ...}, or a declaration {@code v NUMBER(10) := ...}; null for anything else. */
  private static String assignedVariable(List<Token> target) {
    int n = target.size();
    Token last = target.get(n - 1);
    Token previous = n >= 2 ? target.get(n - 2) : null;
    if (last.isName() && (previous == null || previous.kind() == Kind.WORD && BLOCK_WORDS.contains(previous.text()))) {
      return last.text();
    }
    // Otherwise only a declaration; rec.field and :bind are not variables this reading follows.
    int first = 0;
    while (first < n && target.get(first).kind() == Kind.WORD && BLOCK_WORDS.contains(target.get(first).text())) {
      first++;
    }
    boolean declared = first + 1 < n && target.get(first).isName() && target.get(first + 1).kind() == Kind.WORD;
    return declared ? target.get(first).text() : null;
  }

  /** The calls a stretch of tokens takes its value from: its own, and those of the variables it names. */
  private static List<Integer> sources(List<Token> st, int from, int to, int offset, Map<Integer, Name> calls,
      Map<String, List<Integer>> variables) {
    List<Integer> sources = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (calls.containsKey(offset + i)) {
        sources.add(offset + i);
      }
      Token token = st.get(i);
      boolean qualified = i > 0 && (st.get(i - 1).is(".") || st.get(i - 1).is(":"));
      if (token.isName() && !qualified && variables.containsKey(token.text())) {
        sources.addAll(variables.get(token.text()));
      }
    }
    return sources;
  }

  /** The NEXTVAL calls between two token positions, by the position of their NEXTVAL token. */
  private static Map<Integer, Name> calls(List<Token> tokens, int from, int to) {
    Map<Integer, Name> calls = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      Token token = tokens.get(i);
      if (!token.isName() || !token.text().equals("NEXTVAL") || i < 2 || !tokens.get(i - 1).is(".") || !tokens.get(i - 2).isName()) {
        continue;
      }
      if (i + 1 < tokens.size() && tokens.get(i + 1).is("@")) {
        continue;
      }
      Name name;
      if (i >= 4 && tokens.get(i - 3).is(".") && tokens.get(i - 4).isName()) {
        if (i >= 5 && (tokens.get(i - 5).is(".") || tokens.get(i - 5).is(":"))) {
          continue;
        }
        name = new Name(tokens.get(i - 4).text(), tokens.get(i - 2).text());
      } else {
        if (i >= 3 && tokens.get(i - 3).is(":")) {
          continue;
        }
        name = new Name(null, tokens.get(i - 2).text());
      }
      calls.put(i, name);
    }
    return calls;
  }

  private static int indexOf(List<Token> st, String text, int from) {
    for (int i = from; i < st.size(); i++) {
      if (st.get(i).is(text)) {
        return i;
      }
    }
    return -1;
  }

  /** The first {@code text} after {@code from} outside parentheses, or -1. */
  private static int topLevel(List<Token> st, String text, int from) {
    int depth = 0;
    for (int i = from; i < st.size(); i++) {
      Token token = st.get(i);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (depth == 0 && token.is(text)) {
        return i;
      }
    }
    return -1;
  }

  private static int closing(List<Token> st, int open) {
    int depth = 0;
    for (int i = open; i < st.size(); i++) {
      if (st.get(i).is("(")) {
        depth++;
      } else if (st.get(i).is(")") && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The comma-separated parts between two positions, outside parentheses, as [from, to) pairs. */
  private static List<int[]> split(List<Token> st, int from, int to) {
    List<int[]> parts = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < to; i++) {
      Token token = st.get(i);
      if (token.is("(")) {
        depth++;
      } else if (token.is(")")) {
        depth--;
      } else if (depth == 0 && token.is(",")) {
        parts.add(new int[] {start, i});
        start = i + 1;
      }
    }
    parts.add(new int[] {start, to});
    return parts;
  }

  /** SQL and PL/SQL text as tokens; whitespace and comments dropped. */
  static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int end = text.indexOf('\n', i);
        i = end == -1 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        i = end == -1 ? n : end + 2;
      } else if (c == '\'') {
        i = string(text, i, tokens);
      } else if (c == '"') {
        int end = text.indexOf('"', i + 1);
        int stop = end == -1 ? n : end;
        tokens.add(new Token(Kind.QUOTED, text.substring(i + 1, stop)));
        i = stop + 1;
      } else if (Character.isLetter(c)) {
        int end = i + 1;
        while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || "_$#".indexOf(text.charAt(end)) >= 0)) {
          end++;
        }
        String word = text.substring(i, end).toUpperCase(Locale.ROOT);
        if (end < n && text.charAt(end) == '\'' && (word.equals("Q") || word.equals("NQ") || word.equals("N"))) {
          i = word.endsWith("Q") ? alternativeQuote(text, end, tokens) : string(text, end, tokens);
        } else {
          tokens.add(new Token(Kind.WORD, word));
          i = end;
        }
      } else if (Character.isDigit(c)) {
        int end = i + 1;
        while (end < n && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
          end++;
        }
        tokens.add(new Token(Kind.NUMBER, text.substring(i, end)));
        i = end;
      } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == '=') {
        tokens.add(new Token(Kind.SYMBOL, ":="));
        i += 2;
      } else {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      }
    }
    return tokens;
  }

  /** {@code '...'} with {@code ''} inside; returns where the text goes on. */
  private static int string(String text, int open, List<Token> tokens) {
    int i = open + 1;
    StringBuilder value = new StringBuilder();
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\'') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
          value.append('\'');
          i += 2;
          continue;
        }
        tokens.add(new Token(Kind.STRING, value.toString()));
        return i + 1;
      }
      value.append(c);
      i++;
    }
    tokens.add(new Token(Kind.STRING, value.toString()));
    return i;
  }

  /** {@code q'[...]'}, {@code q'{...}'}, {@code q'!...!'}: ends at the closing delimiter followed by a quote. */
  private static int alternativeQuote(String text, int quote, List<Token> tokens) {
    if (quote + 1 >= text.length()) {
      return text.length();
    }
    char open = text.charAt(quote + 1);
    char close = switch (open) {
      case '[' -> ']';
      case '{' -> '}';
      case '(' -> ')';
      case '<' -> '>';
      default -> open;
    };
    int end = text.indexOf(close + "'", quote + 2);
    if (end == -1) {
      tokens.add(new Token(Kind.STRING, text.substring(quote + 2)));
      return text.length();
    }
    tokens.add(new Token(Kind.STRING, text.substring(quote + 2, end)));
    return end + 2;
  }
}
