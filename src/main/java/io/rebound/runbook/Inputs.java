package io.rebound.runbook;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reading start variables the same way in every runbook: text, lists, switches and whole numbers. */
public final class Inputs {

  private static final int SHOWN = 40;
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d{1,30}");

  private Inputs() {}

  /** Refuses any variable the runbook does not take, naming the ones it does. */
  public static void onlyAccepted(Map<String, ?> variables, Set<String> accepted) {
    for (String name : variables.keySet()) {
      if (!accepted.contains(name)) {
        throw new InvalidInputException("unknown input '" + abbreviate(name) + "'; accepted: " + String.join(", ", accepted.stream().sorted().toList()));
      }
    }
  }

  /** Stripped text, or null when absent or blank; text, numbers and booleans only. */
  public static String text(Object value, String what) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
      throw new InvalidInputException(what + " must be text, not " + shape(value));
    }
    String text = value.toString().strip();
    return text.isEmpty() ? null : text;
  }

  /**
   * The entries of a list input: a list of texts, or one text separated by commas or white space. At most
   * {@code max} entries.
   */
  public static List<String> tokens(Object value, int max, String what) {
    List<String> tokens;
    if (value == null) {
      tokens = List.of();
    } else if (value instanceof Collection<?> collection) {
      if (collection.size() > max) {
        throw tooMany(what, max);
      }
      tokens = collection.stream().map(item -> text(item, what)).filter(s -> s != null).toList();
    } else {
      String text = text(value, what);
      tokens = text == null ? List.of() : Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
    if (tokens.size() > max) {
      throw tooMany(what, max);
    }
    return tokens;
  }

  /**
   * A required name that must be one of {@code names} (the configured targets, say); a refusal names the ones there are.
   *
   * @param among what the names are, for the refusal: {@code configured targets}
   */
  public static String oneOf(Object value, String what, String among, List<String> names) {
    String name = text(value, what);
    if (name == null) {
      throw new InvalidInputException(what + " is required; " + among + ": " + names);
    }
    if (!names.contains(name)) {
      throw new InvalidInputException("unknown " + what + " '" + abbreviate(name) + "'; " + among + ": " + names);
    }
    return name;
  }

  /**
   * Text read by {@code parser}, which refuses what it cannot read with an {@link IllegalArgumentException} saying why;
   * text longer than {@code maxLength} is refused before it is read, as {@code <what> '<text>' is <expected>}. Absent or
   * blank text reaches the parser as null.
   */
  public static <T> T parsed(Object value, String what, int maxLength, String expected, Function<String, T> parser) {
    String text = text(value, what);
    if (text != null && text.length() > maxLength) {
      throw new InvalidInputException(what + " '" + abbreviate(text) + "' is " + expected);
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage());
    }
  }

  /** Absent, blank text or an empty list: the input was left out. */
  public static boolean isBlank(Object value) {
    return value == null || (value instanceof String text && text.isBlank()) || (value instanceof Collection<?> list && list.isEmpty());
  }

  /** A switch: true/false/yes/no, or the default when absent. */
  public static boolean bool(Object value, boolean defaultValue, String what) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (!(value instanceof String)) {
      throw new InvalidInputException(what + " must be true or false, not " + shape(value));
    }
    return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw new InvalidInputException(what + " must be true or false, not '" + abbreviate(value.toString().strip()) + "'");
    };
  }

  /**
   * A whole number between {@code min} and {@code max}, or the default when none is given, from whatever
   * type carried it: JSON gives Integer, Long or BigInteger by size (and Double for 1e3 or 2.0), the engine
   * Integer, Long or String. Nothing is narrowed before the range is checked, so 4294967396 is refused
   * rather than read as 100.
   */
  public static Integer wholeNumber(Object value, Integer defaultValue, int min, int max, String what) {
    if (value == null || value instanceof String text && text.isBlank()) {
      return defaultValue;
    }
    BigDecimal number = exactWholeNumber(value);
    if (number == null) {
      throw new InvalidInputException(what + " must be a whole number, not " + shape(value));
    }
    if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      // The value as it came (a huge BigDecimal written out in full would be a billion digits).
      throw new InvalidInputException(what + " must be between " + min + " and " + max + ", not " + shape(value));
    }
    return number.intValueExact();
  }

  /** The value as a number when it holds a whole one exactly, or null. */
  private static BigDecimal exactWholeNumber(Object value) {
    BigDecimal decimal;
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      decimal = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      decimal = new BigDecimal(big);
    } else if (value instanceof BigDecimal big) {
      decimal = big;
    } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
      decimal = BigDecimal.valueOf(((Number) value).doubleValue());
    } else if (value instanceof String text && WHOLE_NUMBER.matcher(text.strip()).matches()) {
      decimal = new BigDecimal(text.strip());
    } else {
      return null;
    }
    // Scale, not value: 2.0 is whole, 2.5 is not; neither is turned into digits (1E+999999999 stays small).
    return decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0 ? decimal : null;
  }

  /** What a value is, for a message: short, never a whole document. */
  public static String shape(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof Collection<?>) {
      return "a list";
    }
    String text = abbreviate(String.valueOf(value));
    return value instanceof String ? "'" + text + "'" : text;
  }

  /** Shortens what a user typed before it goes into a message. */
  public static String abbreviate(String value) {
    return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "…";
  }

  private static InvalidInputException tooMany(String what, int max) {
    return new InvalidInputException(what + ": at most " + max + " entries");
  }

}
