package io.rebound.compare;

import io.rebound.compare.WhereFilter.ColumnName;
import io.rebound.runbook.InvalidInputException;
import io.rebound.target.Dialect;
import io.rebound.target.Identifiers;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.Parenthesis;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.OldOracleJoinBinaryExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;

/**
 * The grammar of a comparison's WHERE filter: a condition parsed by a SQL parser (JSqlParser), then written
 * out again node by node, each node checked against an allow-list as it is written. A node whose exact class
 * is not on the list is refused, whatever it is, so a construct the parser learns later is refused too.
 * What runs is what this class writes, never the text the user gave: identifiers are quoted, strings
 * re-quoted, every compound operand parenthesised (so neither database's operator precedence decides what
 * the condition means), and functions qualified where PostgreSQL would otherwise look them up on the
 * search path.
 */
final class FilterGrammar {

  /**
   * Parentheses nested deeper than this are refused: no filter needs them, a parser's stack might. The kept
   * form parenthesises every compound operand and is parsed again, so this bounds operators too.
   */
  static final int MAX_DEPTH = 32;

  /** Oracle's limit on an IN list. */
  static final int MAX_IN_LIST = 1000;

  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
  private static final Pattern WHOLE_NUMBER = Pattern.compile("\\d+");
  private static final Pattern DECIMAL_NUMBER = Pattern.compile("(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][+-]?\\d+)?");
  private static final Pattern TYPE = Pattern.compile("([a-z][a-z0-9_]*(?: [a-z][a-z0-9_]*)?) ?(?:\\((\\d{1,4})(?:, ?(\\d{1,4}))?\\))?");
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd().toFormatter()
      .withResolverStyle(ResolverStyle.STRICT);

  private static final Map<Class<?>, String> COMPARISONS = Map.of(
      EqualsTo.class, "=", NotEqualsTo.class, "<>", GreaterThan.class, ">", GreaterThanEquals.class, ">=",
      MinorThan.class, "<", MinorThanEquals.class, "<=");

  private static final Map<Class<?>, String> ARITHMETIC = Map.of(
      Addition.class, "+", Subtraction.class, "-", Multiplication.class, "*", Division.class, "/", Concat.class, "||");

  /** What people call the constructs most often refused, for messages; others are named by the parser's class. */
  private static final Map<String, String> KNOWN = Map.ofEntries(
      Map.entry("ParenthesedSelect", "a subquery"),
      Map.entry("Select", "a subquery"),
      Map.entry("PlainSelect", "a subquery"),
      Map.entry("ExistsExpression", "EXISTS"),
      Map.entry("CaseExpression", "CASE"),
      Map.entry("JdbcParameter", "a parameter"),
      Map.entry("JdbcNamedParameter", "a parameter"),
      Map.entry("NumericBind", "a parameter"),
      Map.entry("UserVariable", "a variable"),
      Map.entry("AnyComparisonExpression", "ANY / ALL / SOME"),
      Map.entry("AnalyticExpression", "a window function"),
      Map.entry("IntervalExpression", "an interval"),
      Map.entry("TimeKeyExpression", "a function of the session's clock"),
      Map.entry("HexValue", "a hexadecimal literal"),
      Map.entry("ArrayConstructor", "an array"),
      Map.entry("ArrayExpression", "an array subscript"),
      Map.entry("CollateExpression", "COLLATE"),
      Map.entry("ExtractExpression", "EXTRACT"),
      Map.entry("RegExpMatchOperator", "a regular expression match"),
      Map.entry("Modulo", "the % operator (use mod)"),
      Map.entry("BitwiseAnd", "a bitwise operator"),
      Map.entry("BitwiseOr", "a bitwise operator"),
      Map.entry("BitwiseXor", "a bitwise operator"),
      Map.entry("IsBooleanExpression", "IS TRUE / IS FALSE"),
      Map.entry("NextValExpression", "a sequence"),
      Map.entry("RowConstructor", "a row"),
      Map.entry("XorExpression", "XOR"));

  private FilterGrammar() {}

  /**
   * Parses one condition. Its tokens are read first: a comment (which the parser would drop, so it would
   * never run, but it has no place in a filter either), a statement separator or deep nesting is refused
   * before anything is parsed.
   */
  static Expression parse(String condition) {
    try {
      CCJSqlParser tokens = CCJSqlParserUtil.newParser(condition);
      int depth = 0;
      for (Token token = tokens.getNextToken(); ; token = tokens.getNextToken()) {
        if (token.specialToken != null) {
          throw refused("must not contain comments");
        }
        if (token.kind == CCJSqlParserConstants.EOF) {
          break;
        }
        if (token.kind == CCJSqlParserConstants.ST_SEMICOLON) {
          throw refused("must be a single condition: ';' is not allowed");
        }
        if (token.image.equals("(") && ++depth > MAX_DEPTH) {
          throw refused("is nested more than " + MAX_DEPTH + " deep");
        }
        if (token.image.equals(")")) {
          depth--;
        }
      }
      return CCJSqlParserUtil.parseCondExpression(condition, false);
    } catch (InvalidInputException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      // JSQLParserException and the lexer's TokenMgrException: the parser's own words say where it stopped.
      throw refused("is not one valid condition: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Writes a parsed condition for a dialect (or, with no dialect, in the form it is kept in), checking every
   * node against the grammar as it goes.
   *
   * @param dialects every dialect the filter will run on: functions and types must be allowed on each
   * @param target the dialect written for; null for the kept form (columns as given, functions bare)
   * @param columns the name of each column in the target's table; unused for the kept form
   * @param named receives every column the condition names
   */
  static String write(Expression condition, Set<Dialect> dialects, Dialect target, Function<ColumnName, String> columns,
      java.util.function.Consumer<ColumnName> named) {
    return new Writer(dialects, target, columns, named).condition(condition).text();
  }

  /** SQL text, and whether it stands on its own as an operand or must be parenthesised. */
  private record Sql(String text, boolean atomic, String chain) {
    static Sql atom(String text) {
      return new Sql(text, true, null);
    }

    static Sql compound(String text) {
      return new Sql(text, false, null);
    }

    String operand() {
      return atomic ? text : "(" + text + ")";
    }

    /** As an operand of a chain of AND or of OR: a chain of the same operator needs no parentheses. */
    String operandOf(String operator) {
      return operator.equals(chain) ? text : operand();
    }
  }

  private static final class Writer {
    private final Set<Dialect> dialects;
    private final Dialect target;
    private final Function<ColumnName, String> columns;
    private final java.util.function.Consumer<ColumnName> named;

    Writer(Set<Dialect> dialects, Dialect target, Function<ColumnName, String> columns, java.util.function.Consumer<ColumnName> named) {
      this.dialects = dialects;
      this.target = target;
      this.columns = columns;
      this.named = named;
    }

    /** A node that must be true or false: the whole filter, an operand of AND, OR, NOT. */
    Sql condition(Expression node) {
      Class<?> type = node.getClass();
      if (type == Parenthesis.class || type == ParenthesedExpressionList.class) {
        return condition(single((ExpressionList<?>) node));
      }
      if (type == AndExpression.class || type == OrExpression.class) {
        String operator = type == AndExpression.class ? "AND" : "OR";
        var binary = (net.sf.jsqlparser.expression.BinaryExpression) node;
        String left = condition(binary.getLeftExpression()).operandOf(operator);
        String right = condition(binary.getRightExpression()).operandOf(operator);
        return new Sql(left + " " + operator + " " + right, false, operator);
      }
      if (type == NotExpression.class) {
        return Sql.compound("NOT " + condition(((NotExpression) node).getExpression()).operand());
      }
      if (COMPARISONS.containsKey(type)) {
        var comparison = (OldOracleJoinBinaryExpression) node;
        if (comparison.getOldOracleJoinSyntax() != 0 || comparison.getOraclePriorPosition() != 0) {
          throw refused("may not use Oracle's (+) or PRIOR: " + snippet(node));
        }
        return Sql.compound(value(comparison.getLeftExpression()).operand() + " " + COMPARISONS.get(type) + " "
            + value(comparison.getRightExpression()).operand());
      }
      if (type == InExpression.class) {
        return in((InExpression) node);
      }
      if (type == Between.class) {
        Between between = (Between) node;
        if (between.isUsingSymmetric() || between.isUsingAsymmetric() || between.getOldOracleJoinSyntax() != 0
            || between.getOraclePriorPosition() != 0) {
          throw refused("may use only plain BETWEEN: " + snippet(node));
        }
        return Sql.compound(value(between.getLeftExpression()).operand() + (between.isNot() ? " NOT BETWEEN " : " BETWEEN ")
            + value(between.getBetweenExpressionStart()).operand() + " AND "
            + value(between.getBetweenExpressionEnd()).operand());
      }
      if (type == LikeExpression.class) {
        return like((LikeExpression) node);
      }
      if (type == IsNullExpression.class) {
        IsNullExpression isNull = (IsNullExpression) node;
        if (isNull.getOldOracleJoinSyntax() != 0 || isNull.getOraclePriorPosition() != 0) {
          throw refused("may not use Oracle's (+) or PRIOR: " + snippet(node));
        }
        return Sql.compound(value(isNull.getLeftExpression()).operand() + (isNull.isNot() ? " IS NOT NULL" : " IS NULL"));
      }
      if (type == Column.class || type == BooleanValue.class) {
        // A boolean column, or TRUE / FALSE, is a condition of its own.
        return value(node);
      }
      if (isValue(type)) {
        // Checked as a value first, so that what is refused in it is named.
        value(node);
        throw refused("must be a condition, but " + snippet(node) + " is a value");
      }
      throw refused(node);
    }

    /** A node that is a value: a column, a literal, a function of values, arithmetic. */
    Sql value(Expression node) {
      Class<?> type = node.getClass();
      if (type == Parenthesis.class || type == ParenthesedExpressionList.class) {
        return value(single((ExpressionList<?>) node));
      }
      if (type == Column.class) {
        return Sql.atom(column((Column) node));
      }
      if (ARITHMETIC.containsKey(type)) {
        var binary = (net.sf.jsqlparser.expression.BinaryExpression) node;
        return Sql.compound(value(binary.getLeftExpression()).operand() + " " + ARITHMETIC.get(type) + " "
            + value(binary.getRightExpression()).operand());
      }
      if (type == SignedExpression.class) {
        SignedExpression signed = (SignedExpression) node;
        if (signed.getSign() != '-' && signed.getSign() != '+') {
          throw refused("may not use the operator " + signed.getSign());
        }
        // The operand is an atom or parenthesised, so the sign never meets another '-' (which would begin a comment).
        return Sql.compound(signed.getSign() + value(signed.getExpression()).operand());
      }
      if (type == net.sf.jsqlparser.expression.Function.class) {
        return Sql.atom(function((net.sf.jsqlparser.expression.Function) node));
      }
      if (type == TrimFunction.class) {
        return Sql.atom(trim((TrimFunction) node));
      }
      if (type == CastExpression.class) {
        return Sql.atom(cast((CastExpression) node));
      }
      if (isLiteral(type)) {
        return Sql.atom(literal(node, target));
      }
      if (isCondition(type)) {
        throw refused("may compare and compute only values, but " + snippet(node) + " is a condition");
      }
      throw refused(node);
    }

    private Sql in(InExpression in) {
      if (in.isGlobal() || in.getOldOracleJoinSyntax() != 0 || in.getOraclePriorPosition() != 0) {
        throw refused("may use only plain IN: " + snippet(in));
      }
      Expression right = in.getRightExpression();
      if (right.getClass() != ParenthesedExpressionList.class && right.getClass() != Parenthesis.class) {
        throw refused("may use IN only with a list of literals in parentheses: " + snippet(in));
      }
      ExpressionList<?> list = (ExpressionList<?>) right;
      if (list.size() > MAX_IN_LIST) {
        throw refused("has an IN list of more than " + MAX_IN_LIST + " values");
      }
      List<String> values = new ArrayList<>();
      for (Expression item : list) {
        if (!isLiteral(item)) {
          throw refused("may use IN only with a list of literals, but the list holds " + snippet(item));
        }
        values.add(literal(item, target));
      }
      return Sql.compound(value(in.getLeftExpression()).operand() + (in.isNot() ? " NOT IN (" : " IN (")
          + String.join(", ", values) + ")");
    }

    private Sql like(LikeExpression like) {
      if (like.getLikeKeyWord() != LikeExpression.KeyWord.LIKE || like.isUseBinary() || like.getOldOracleJoinSyntax() != 0
          || like.getOraclePriorPosition() != 0) {
        throw refused("may use only LIKE and NOT LIKE, not " + snippet(like));
      }
      String text = value(like.getLeftExpression()).operand() + (like.isNot() ? " NOT LIKE " : " LIKE ")
          + value(like.getRightExpression()).operand();
      Expression escape = like.getEscape();
      if (escape != null) {
        if (escape.getClass() != StringValue.class || ((StringValue) escape).getNotExcapedValue().length() != 1) {
          throw refused("must give ESCAPE one character in quotes, not " + snippet(escape));
        }
        text += " ESCAPE " + literal(escape, target);
      }
      return Sql.compound(text);
    }

    private String function(net.sf.jsqlparser.expression.Function function) {
      String name = function.getName();
      if (name.contains(".")) {
        throw refused("may not call " + name + ": the functions allowed on " + names(dialects) + " are " + FilterFunctions.functions(dialects));
      }
      String lower = name.toLowerCase(Locale.ROOT);
      List<Expression> arguments = function.getParameters() == null ? List.of() : new ArrayList<>(function.getParameters());
      for (Dialect dialect : dialects) {
        FilterFunctions.Rule rule = FilterFunctions.function(dialect, lower);
        if (rule == null || lower.equals("trim")) {
          // TRIM has a grammar of its own (TrimFunction); a quoted name is never on the list.
          throw refused("may not call " + name + ": the functions allowed on " + names(dialects) + " are " + FilterFunctions.functions(dialects));
        }
      }
      // Anything the parser read besides the name and plain arguments (DISTINCT, ORDER BY, KEEP, an attribute,
      // {fn } escapes, named arguments) shows in its text: refused rather than dropped.
      String plain = new net.sf.jsqlparser.expression.Function(name, arguments.toArray(new Expression[0])).toString();
      if (function.getParameters() != null && function.getParameters().getClass() != ExpressionList.class || !plain.equals(function.toString())) {
        throw refused("may call " + lower + " only with plain arguments, not as " + snippet(function));
      }
      for (Dialect dialect : dialects) {
        FilterFunctions.Rule rule = FilterFunctions.function(dialect, lower);
        if (arguments.size() < rule.minArguments() || arguments.size() > rule.maxArguments()) {
          throw refused("calls " + lower + " with " + arguments.size() + " arguments; it takes "
              + (rule.minArguments() == rule.maxArguments() ? rule.minArguments() : rule.minArguments() + " to " + rule.maxArguments()));
        }
        for (int i : rule.literals()) {
          if (i < arguments.size() && !isLiteral(arguments.get(i))) {
            throw refused("must give " + lower + " a literal as argument " + (i + 1) + ", not " + snippet(arguments.get(i)));
          }
        }
      }
      if (lower.equals("date_trunc")) {
        Expression unit = arguments.get(0);
        if (unit.getClass() != StringValue.class
            || !FilterFunctions.DATE_TRUNC_UNITS.contains(((StringValue) unit).getNotExcapedValue().toLowerCase(Locale.ROOT))) {
          throw refused("must give date_trunc one of the units " + new java.util.TreeSet<>(FilterFunctions.DATE_TRUNC_UNITS)
              + ", not " + snippet(unit));
        }
      }
      List<String> written = new ArrayList<>();
      for (Expression argument : arguments) {
        written.add(value(argument).text());
      }
      boolean qualify = target == Dialect.POSTGRESQL && FilterFunctions.function(target, lower).catalog();
      return (qualify ? "pg_catalog." : "") + lower + "(" + String.join(", ", written) + ")";
    }

    private String trim(TrimFunction trim) {
      for (Dialect dialect : dialects) {
        if (FilterFunctions.function(dialect, "trim") == null) {
          throw refused("may not call trim");
        }
      }
      Expression characters = trim.getFromExpression() == null ? null : trim.getExpression();
      Expression source = trim.getFromExpression() == null ? trim.getExpression() : trim.getFromExpression();
      if (trim.getFromExpression() != null && !trim.isUsingFromKeyword() || source == null) {
        throw refused("must write TRIM as TRIM(x) or TRIM([LEADING | TRAILING | BOTH] ['c'] FROM x), not " + snippet(trim));
      }
      StringBuilder text = new StringBuilder("TRIM(");
      if (trim.getTrimSpecification() != null) {
        text.append(trim.getTrimSpecification().name()).append(' ');
      }
      if (characters != null) {
        // Oracle trims one character; PostgreSQL any of a set, which would mean something else on the other side.
        if (characters.getClass() != StringValue.class || ((StringValue) characters).getNotExcapedValue().length() != 1) {
          throw refused("must give TRIM one character in quotes to remove, not " + snippet(characters));
        }
        text.append(literal(characters, target)).append(' ');
      }
      if (trim.isUsingFromKeyword()) {
        text.append("FROM ");
      }
      return text.append(value(source).text()).append(')').toString();
    }

    private String cast(CastExpression cast) {
      // No type is a ROW(...) cast, which the parser keeps as column definitions.
      if (cast.keyword != null && !cast.keyword.equalsIgnoreCase("cast") || cast.getFormat() != null || cast.getColDataType() == null) {
        throw refused("may use only CAST(x AS type) or x::type, not " + snippet(cast));
      }
      String declared = cast.getColDataType().toString().toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
      Matcher matcher = TYPE.matcher(declared);
      String name = matcher.matches() ? matcher.group(1) : declared;
      int arguments = !matcher.matches() || matcher.group(2) == null ? 0 : matcher.group(3) == null ? 1 : 2;
      for (Dialect dialect : dialects) {
        FilterFunctions.Type type = matcher.matches() ? FilterFunctions.type(dialect, name) : null;
        if (type == null) {
          throw refused("may not cast to " + declared + ": the types allowed on " + names(dialects) + " are " + FilterFunctions.types(dialects));
        }
        if (arguments < type.minArguments() || arguments > type.maxArguments()) {
          throw refused("casts to " + declared + ", which takes " + (type.maxArguments() == 0 ? "no length or precision"
              : type.minArguments() == type.maxArguments() ? "a length in parentheses"
              : type.minArguments() + " to " + type.maxArguments() + " numbers in parentheses") + " on " + dialect.name().toLowerCase(Locale.ROOT));
        }
      }
      String typeName = target == Dialect.POSTGRESQL ? FilterFunctions.type(target, name).postgresName() : name;
      String modifiers = arguments == 0 ? "" : "(" + matcher.group(2) + (arguments == 2 ? ", " + matcher.group(3) : "") + ")";
      return "CAST(" + value(cast.getLeftExpression()).text() + " AS " + typeName + modifiers + ")";
    }

    private String column(Column column) {
      if (column.getTable() != null && column.getTable().getFullyQualifiedName() != null
          && !column.getTable().getFullyQualifiedName().isEmpty()) {
        throw refused("may name only the table's own columns, not " + snippet(column) + " (no schema or table before a column)");
      }
      if (column.getArrayConstructor() != null || column.getOldOracleJoinSyntax() != 0 || column.getCommentText() != null) {
        throw refused("may name only plain columns, not " + snippet(column));
      }
      String written = column.getColumnName();
      ColumnName name;
      if (written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"")) {
        name = new ColumnName(quotedIdentifier(written.substring(1, written.length() - 1)), true);
      } else {
        for (Dialect dialect : dialects) {
          Identifiers.canonical(dialect, written, "the WHERE filter's column");
        }
        name = new ColumnName(written.toLowerCase(Locale.ROOT), false);
      }
      if (FilterFunctions.NOT_COLUMNS.contains(name.name().toLowerCase(Locale.ROOT))) {
        throw refused("may name only the table's own columns: " + name.name() + " is a system column, pseudo-column or function");
      }
      named.accept(name);
      return target == null ? name.toString() : quote(columns.apply(name));
    }

    /** The text of a quoted identifier: printable, without quotes, within the dialects' lengths. */
    private String quotedIdentifier(String text) {
      int maxBytes = dialects.contains(Dialect.POSTGRESQL) ? 63 : 128;
      if (text.isEmpty() || text.indexOf('"') >= 0 || text.chars().anyMatch(Character::isISOControl)
          || text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
        throw refused("has a quoted column name that is empty, holds a quote or a control character, or is longer than "
            + maxBytes + " bytes");
      }
      return text;
    }
  }

  /** A column's name in a side's table, quoted (a quote in the name doubled). */
  private static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A literal, or a signed number (a literal to a reader, an operator to the parser). */
  /** The dialects, as a person reads them: "postgresql and oracle". */
  private static String names(Set<Dialect> dialects) {
    return String.join(" and ", dialects.stream().map(d -> d.name().toLowerCase(Locale.ROOT)).toList());
  }

  private static boolean isLiteral(Expression node) {
    if (node.getClass() == SignedExpression.class) {
      SignedExpression signed = (SignedExpression) node;
      Class<?> number = signed.getExpression().getClass();
      return (signed.getSign() == '-' || signed.getSign() == '+') && (number == LongValue.class || number == DoubleValue.class);
    }
    return isLiteral(node.getClass());
  }

  private static boolean isLiteral(Class<?> type) {
    return type == LongValue.class || type == DoubleValue.class || type == StringValue.class || type == NullValue.class
        || type == BooleanValue.class || type == DateTimeLiteralExpression.class;
  }

  private static boolean isValue(Class<?> type) {
    return isLiteral(type) || ARITHMETIC.containsKey(type) || type == SignedExpression.class || type == CastExpression.class
        || type == TrimFunction.class || type == net.sf.jsqlparser.expression.Function.class;
  }

  private static boolean isCondition(Class<?> type) {
    return COMPARISONS.containsKey(type) || type == AndExpression.class || type == OrExpression.class || type == NotExpression.class
        || type == InExpression.class || type == Between.class || type == LikeExpression.class || type == IsNullExpression.class;
  }

  /** A literal, written anew from its value for the target dialect (null: the kept form). */
  private static String literal(Expression literal, Dialect target) {
    Class<?> type = literal.getClass();
    if (type == SignedExpression.class) {
      SignedExpression signed = (SignedExpression) literal;
      return signed.getSign() + literal(signed.getExpression(), target);
    }
    if (type == LongValue.class) {
      return number(((LongValue) literal).getStringValue(), WHOLE_NUMBER);
    }
    if (type == DoubleValue.class) {
      return number(literal.toString(), DECIMAL_NUMBER);
    }
    if (type == NullValue.class) {
      return "NULL";
    }
    if (type == BooleanValue.class) {
      return ((BooleanValue) literal).getValue() ? "TRUE" : "FALSE";
    }
    if (type == DateTimeLiteralExpression.class) {
      return dateTime((DateTimeLiteralExpression) literal, target);
    }
    return string((StringValue) literal);
  }

  private static String number(String text, Pattern form) {
    if (!form.matcher(text).matches()) {
      throw refused("has a number it cannot read: " + abbreviate(text));
    }
    return text;
  }

  /**
   * A string in single quotes, quotes doubled. Backslashes are refused: PostgreSQL reads them as escapes in
   * E'' strings and wherever standard_conforming_strings is off, so a string could end elsewhere there than
   * here. Prefixed strings (E'', N'', U&'', B'', Q'[]') and dollar quoting are refused for the same reason.
   */
  private static String string(StringValue string) {
    if (string.getPrefix() != null || !"'".equals(string.getQuoteStr())) {
      throw refused("may use only plain strings in single quotes, not " + abbreviate(string.toString()));
    }
    String value = string.getNotExcapedValue();
    if (value.indexOf('\\') >= 0) {
      throw refused("must not use backslashes in strings (use LIKE ... ESCAPE '!' to escape a wildcard)");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * DATE 'yyyy-mm-dd' and TIMESTAMP 'yyyy-mm-dd hh:mi:ss[.fraction]', the forms both dialects read alike.
   * PostgreSQL reads TIMESTAMP as grammar, but DATE as a type name it looks up: it is given pg_catalog's.
   */
  private static String dateTime(DateTimeLiteralExpression literal, Dialect target) {
    String quoted = literal.getValue();
    Matcher inQuotes = QUOTED.matcher(quoted);
    String value = inQuotes.matches() ? inQuotes.group(1) : quoted;
    try {
      switch (literal.getType()) {
        case DATE -> LocalDate.parse(value);
        case TIMESTAMP -> LocalDateTime.parse(value, TIMESTAMP);
        default -> throw refused("may use only DATE and TIMESTAMP literals, not " + abbreviate(literal.toString()));
      }
    } catch (DateTimeException e) {
      throw refused("has a " + literal.getType() + " literal that is not a valid "
          + (literal.getType() == DateTimeLiteralExpression.DateTime.DATE ? "'yyyy-mm-dd'" : "'yyyy-mm-dd hh:mi:ss[.fraction]'")
          + ": " + abbreviate(quoted));
    }
    boolean qualify = target == Dialect.POSTGRESQL && literal.getType() == DateTimeLiteralExpression.DateTime.DATE;
    return (qualify ? "pg_catalog.date" : literal.getType().name()) + " '" + value + "'";
  }

  /** The one expression in parentheses; a list of several is a row, which the grammar has no use for. */
  private static Expression single(ExpressionList<?> parenthesised) {
    if (parenthesised.size() != 1) {
      throw refused("may not use a list or row " + snippet(parenthesised) + " here");
    }
    return parenthesised.get(0);
  }

  private static InvalidInputException refused(Expression node) {
    String kind = KNOWN.get(node.getClass().getSimpleName());
    return refused("may not use " + (kind != null ? kind : node.getClass().getSimpleName()) + ": " + snippet(node));
  }

  static InvalidInputException refused(String why) {
    return new InvalidInputException("the WHERE filter " + why);
  }

  private static String snippet(Object node) {
    String text;
    try {
      text = String.valueOf(node);
    } catch (RuntimeException e) {
      // The parser cannot always write back what it read (a ROW(...) cast): the node is named by its kind.
      text = node.getClass().getSimpleName();
    }
    return "'" + abbreviate(text) + "'";
  }

  private static String abbreviate(String text) {
    String printable = text.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 60) + "…";
  }

  private static String firstLine(String message) {
    return abbreviate(message == null ? "" : message.lines().findFirst().orElse("").strip());
  }
}
