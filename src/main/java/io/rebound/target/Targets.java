package io.rebound.target;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.rebound.config.ReboundProperties;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** The configured targets, by name. */
@Component
public class Targets implements org.springframework.beans.factory.DisposableBean {

  private final Map<String, Target> targets = new LinkedHashMap<>();
  private final MetricsTrackerFactory poolMetrics;

  public Targets(ReboundProperties properties) {
    this(properties, null);
  }

  /** Targets whose connection pools report to {@code registry} ({@code hikaricp_*}, tagged with the pool's name). */
  @Autowired
  public Targets(ReboundProperties properties, ObjectProvider<MeterRegistry> registry) {
    MeterRegistry meters = registry == null ? null : registry.getIfAvailable();
    this.poolMetrics = meters == null ? null : new MicrometerMetricsTrackerFactory(meters);
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
    Target target = new Target(name, properties);
    if (poolMetrics != null) {
      target.measurePoolWith(poolMetrics);
    }
    targets.put(name, target);
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
