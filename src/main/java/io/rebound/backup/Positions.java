package io.rebound.backup;

import io.rebound.target.Dialect;
import java.math.BigInteger;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Positions in a database's redo, kept as text the way each database prints them, and ordered the way each
 * database counts: an Oracle SCN is a decimal number, a PostgreSQL LSN is two hexadecimal halves
 * ({@code 16/B374D848}). Text order would be wrong for both ({@code 9} after {@code 10}, {@code F/0} after
 * {@code 10/0}).
 */
public final class Positions {

  private static final Pattern SCN = Pattern.compile("[0-9]{1,20}");
  private static final Pattern LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

  private Positions() {}

  /** The order of a dialect's positions; refuses text that is not one. */
  public static Comparator<String> order(Dialect dialect) {
    return Comparator.comparing(position -> value(dialect, position));
  }

  /** A position as a number, checked against the dialect's form. */
  public static BigInteger value(Dialect dialect, String position) {
    if (position == null) {
      throw new IllegalArgumentException("a position is required");
    }
    if (dialect == Dialect.ORACLE) {
      if (!SCN.matcher(position).matches()) {
        throw new IllegalArgumentException("'" + position + "' is not an Oracle SCN (a decimal number)");
      }
      return new BigInteger(position);
    }
    if (!LSN.matcher(position).matches()) {
      throw new IllegalArgumentException("'" + position + "' is not a PostgreSQL LSN (two hexadecimal halves, e.g. 16/B374D848)");
    }
    int slash = position.indexOf('/');
    return new BigInteger(position.substring(0, slash), 16).shiftLeft(32).or(new BigInteger(position.substring(slash + 1), 16));
  }
}
