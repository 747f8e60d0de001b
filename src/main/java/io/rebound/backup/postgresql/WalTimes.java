package io.rebound.backup.postgresql;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The times a stretch of WAL spans, read from its commit and abort records as {@code pg_waldump} prints them (run
 * with {@code TZ=UTC}). These are the only records {@code recovery_target_time} stops at, so a batch claims to reach a
 * time only when it holds a transaction that ended then: recovery to a point needs a record after it.
 */
final class WalTimes {

  private static final Pattern END_OF_TRANSACTION = Pattern.compile(
      "desc: (?:COMMIT|ABORT|COMMIT_PREPARED|ABORT_PREPARED) (?:\\d+: )?(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?) UTC");
  private static final DateTimeFormatter PRINTED = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd().toFormatter(Locale.ROOT);

  /** The first and last end of a transaction seen; none when the WAL holds none. */
  record Span(Instant first, Instant last) {
    Span with(Instant time) {
      return new Span(first == null || time.isBefore(first) ? time : first, last == null || time.isAfter(last) ? time : last);
    }

    Span with(Span other) {
      Span span = this;
      if (other.first != null) {
        span = span.with(other.first);
      }
      if (other.last != null) {
        span = span.with(other.last);
      }
      return span;
    }

    boolean isEmpty() {
      return first == null;
    }
  }

  static final Span NONE = new Span(null, null);

  private WalTimes() {}

  static Span read(Iterable<String> lines) {
    Span span = NONE;
    for (String line : lines) {
      Optional<Instant> time = time(line);
      if (time.isPresent()) {
        span = span.with(time.get());
      }
    }
    return span;
  }

  static Optional<Instant> time(String line) {
    Matcher matcher = END_OF_TRANSACTION.matcher(line);
    if (!matcher.find()) {
      return Optional.empty();
    }
    return Optional.of(LocalDateTime.parse(matcher.group(1), PRINTED).toInstant(ZoneOffset.UTC));
  }
}
