package io.rebound.target;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The implementations of one capability (a schema restore, a comparison's SQL), one per dialect, looked up
 * by a target's dialect. Built once from the Spring beans of the capability.
 *
 * @param <T> the capability
 */
public final class ByDialect<T extends DialectSpecific> {

  private final Map<Dialect, T> implementations = new EnumMap<>(Dialect.class);
  private final String capability;

  /**
   * @param capability what the implementations do, for the message when a dialect has none, e.g. {@code schema restore}
   */
  public ByDialect(List<T> implementations, String capability) {
    this.capability = capability;
    for (T implementation : implementations) {
      if (this.implementations.put(implementation.dialect(), implementation) != null) {
        throw new IllegalStateException("two " + capability + " implementations for " + implementation.dialect());
      }
    }
  }

  /** The implementation for the target's dialect. */
  public T of(Target target) {
    return of(target.dialect());
  }

  public T of(Dialect dialect) {
    T implementation = implementations.get(dialect);
    if (implementation == null) {
      throw new IllegalStateException("no " + capability + " support for " + dialect);
    }
    return implementation;
  }
}
