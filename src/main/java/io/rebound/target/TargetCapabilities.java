package io.rebound.target;

import io.rebound.storage.ObjectStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * What Rebound can do with a target, from its configuration alone (nothing is connected to): a schema restore needs
 * a dump directory, backups and the restores and recoveries made from them need a {@code backup} section and a
 * bucket, a comparison needs nothing more. The API's target list and the start forms' pick-lists read it here.
 */
@Component
public class TargetCapabilities {

  private final Environment environment;
  private final ObjectProvider<ObjectStore> bucket;

  public TargetCapabilities(Environment environment, ObjectProvider<ObjectStore> bucket) {
    this.environment = environment;
    this.bucket = bucket;
  }

  public boolean schemaRestore(Target target) {
    return target.dumpDirectory() != null;
  }

  /** Backups, and the restores and recoveries made from them. */
  public boolean backups(Target target) {
    return bucket.getIfAvailable() != null && hasBackupSection(target.name());
  }

  /** By name, in the order the API shows them. */
  public Map<String, Boolean> of(Target target) {
    boolean backups = backups(target);
    Map<String, Boolean> supports = new LinkedHashMap<>();
    supports.put("schemaRestore", schemaRestore(target));
    supports.put("comparison", true);
    supports.put("backups", backups);
    supports.put("pointInTimeRestore", backups);
    return supports;
  }

  /**
   * Whether the configuration gives the target a {@code backup} section, as its schedules decide: read through the
   * targets as a map, as they are bound (a target's name may hold what a property name may not).
   */
  private boolean hasBackupSection(String target) {
    Map<String, Map<String, Object>> configured = Binder.get(environment).bind("rebound.targets",
        Bindable.<Map<String, Map<String, Object>>>of(ResolvableType.forClassWithGenerics(Map.class, ResolvableType.forClass(String.class),
            ResolvableType.forClassWithGenerics(Map.class, String.class, Object.class)))).orElse(Map.of());
    return configured.getOrDefault(target, Map.of()).containsKey("backup");
  }
}
