package io.rebound.backup;

import io.rebound.runbook.Inputs;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The point a restore goes to: the latest the shipped logs reach, or an instant. */
public record RecoveryPoint(Instant instant) {

  public static RecoveryPoint latest() {
    return new RecoveryPoint(null);
  }

  public static RecoveryPoint at(Instant instant) {
    if (instant == null) {
      throw new IllegalArgumentException("an instant is required; use latest() for the latest point");
    }
    return new RecoveryPoint(instant);
  }

  /** {@code latest} or an ISO-8601 instant such as {@code 2026-11-30T14:05:00Z}. */
  public static RecoveryPoint parse(String text) {
    if (text == null || text.isBlank() || "latest".equalsIgnoreCase(text.strip())) {
      return latest();
    }
    try {
      return at(Instant.parse(text.strip()));
    } catch (DateTimeParseException e) {
      // What was typed may be any length: the refusal quotes its start only.
      throw new IllegalArgumentException("pointInTime '" + Inputs.abbreviate(text.strip()) + "' is neither 'latest' nor an ISO-8601 instant such as"
          + " 2026-11-30T14:05:00Z");
    }
  }

  public boolean isLatest() {
    return instant == null;
  }

  public Optional<Instant> time() {
    return Optional.ofNullable(instant);
  }

  @Override
  public String toString() {
    return isLatest() ? "latest" : instant.toString();
  }
}
