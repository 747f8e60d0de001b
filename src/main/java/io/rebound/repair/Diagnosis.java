package io.rebound.repair;

import java.util.List;
import java.util.Map;

/**
 * What the diagnosis of a workstation found: whether it needs a repair, every reason the decision table
 * gave, and every number it read.
 */
public record Diagnosis(String workstation, boolean needsRepair, List<Reason> reasons, Map<String, Object> readings) {

  /** One matched rule of {@code workstation-needs-repair.dmn}. */
  public record Reason(String code, String explanation) {}

  public Diagnosis {
    reasons = List.copyOf(reasons);
    readings = Map.copyOf(readings);
  }
}
