package io.rebound.runbook;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reading start variables the same way in every runbook: text, lists, switches and whole numbers. */
public final class Inputs {

  private static final int SHOWN = 40;

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
      throw new InvalidInputException(what + " must be text, not " + describe(value));
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
      throw new InvalidInputException(what + " must be true or false, not " + describe(value));
    }
    return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw new InvalidInputException(what + " must be true or false, not '" + abbreviate(value.toString().strip()) + "'");
    };
  }

  /**
   * A whole number between {@code min} and {@code max}, or the default when absent. Numbers that do not fit
   * (or have a fraction) are refused rather than wrapped or rounded.
   */
  public static int wholeNumber(Object value, int defaultValue, int min, int max, String what) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      return defaultValue;
    }
    BigDecimal number;
    try {
      if (value instanceof BigDecimal decimal) {
        number = decimal;
      } else if (value instanceof BigInteger integer) {
        number = new BigDecimal(integer);
      } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
        number = BigDecimal.valueOf(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        if (!Double.isFinite(d)) {
          throw new NumberFormatException();
        }
        number = BigDecimal.valueOf(d);
      } else if (value instanceof String text) {
        number = new BigDecimal(text.strip());
      } else {
        throw new InvalidInputException(what + " must be a whole number, not " + describe(value));
      }
    } catch (NumberFormatException e) {
      throw new InvalidInputException(what + " must be a whole number, not '" + abbreviate(value.toString()) + "'");
    }
    if (number.stripTrailingZeros().scale() > 0) {
      throw new InvalidInputException(what + " must be a whole number, not " + abbreviate(number.toPlainString()));
    }
    if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new InvalidInputException(what + " must be between " + min + " and " + max + ", not " + abbreviate(number.toPlainString()));
    }
    return number.intValueExact();
  }

  /** Shortens what a user typed before it goes into a message. */
  public static String abbreviate(String value) {
    return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "…";
  }

  private static InvalidInputException tooMany(String what, int max) {
    return new InvalidInputException(what + ": at most " + max + " entries");
  }

  private static String describe(Object value) {
    if (value instanceof Map<?, ?>) {
      return "an object";
    }
    if (value instanceof Collection<?>) {
      return "a list";
    }
    return value.getClass().getSimpleName();
  }
}
