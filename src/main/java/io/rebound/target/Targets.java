package io.rebound.target;

import io.rebound.config.ReboundProperties;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The configured targets, by name. */
@Component
public class Targets implements org.springframework.beans.factory.DisposableBean {

  private final Map<String, Target> targets = new LinkedHashMap<>();

  public Targets(ReboundProperties properties) {
    properties.targets().forEach((name, target) -> register(name, target));
  }

  /** Adds a target at run time; the demo profile registers its embedded database this way. */
  public synchronized void register(String name, TargetProperties properties) {
    if (properties.dialect() == null) {
      throw new IllegalStateException("rebound.targets." + name + ".dialect is required (oracle or postgresql)");
    }
    if (properties.url() == null || properties.username() == null) {
      throw new IllegalStateException("rebound.targets." + name + ".url and .username are required");
    }
    if (properties.comparisonUsername() == null && (properties.comparisonPassword() != null || properties.comparisonPasswordFile() != null)) {
      throw new IllegalStateException("rebound.targets." + name + ".comparison-password is set but comparison-username is not");
    }
    if (properties.connectTimeout().isNegative() || properties.connectTimeout().isZero()) {
      throw new IllegalStateException("rebound.targets." + name + ".connect-timeout must be positive, e.g. 10s");
    }
    if (properties.statementTimeout().isNegative()) {
      throw new IllegalStateException("rebound.targets." + name + ".statement-timeout must be 0 (none) or positive, e.g. 1h");
    }
    if (properties.lockTimeout().isNegative()) {
      throw new IllegalStateException("rebound.targets." + name + ".lock-timeout must be 0 (none) or positive, e.g. 1m");
    }
    targets.put(name, new Target(name, properties));
  }

  public synchronized Optional<Target> find(String name) {
    return Optional.ofNullable(name).map(targets::get);
  }

  /** The target of that name, or an {@link IllegalArgumentException} naming the known ones. */
  public Target get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown target '" + name + "'; configured targets: " + names()));
  }

  public synchronized List<String> names() {
    return List.copyOf(targets.keySet());
  }

  public synchronized Collection<Target> all() {
    return List.copyOf(targets.values());
  }

  @Override
  public synchronized void destroy() {
    targets.values().forEach(Target::close);
  }
}
