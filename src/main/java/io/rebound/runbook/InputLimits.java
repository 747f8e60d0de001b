package io.rebound.runbook;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything under {@code rebound.limits.*}: how much one request may ask for, so that a request cannot
 * run a node out of memory or start work nobody could review.
 *
 * @param maxListEntries the most entries a list input takes (companion users, key tables)
 */
@ConfigurationProperties("rebound.limits")
public record InputLimits(@DefaultValue("1000") int maxListEntries) {

  public static final InputLimits DEFAULTS = new InputLimits(1000);
}
