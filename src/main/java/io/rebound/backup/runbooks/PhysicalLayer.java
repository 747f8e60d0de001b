package io.rebound.backup.runbooks;

import io.rebound.backup.PhysicalBackups;
import io.rebound.target.ByDialect;
import io.rebound.target.Target;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The physical backup layer of each dialect, looked up by a target's dialect. */
@Component
class PhysicalLayer {

  private final ByDialect<PhysicalBackups> dialects;

  PhysicalLayer(ObjectProvider<PhysicalBackups> implementations) {
    this.dialects = new ByDialect<>(implementations.orderedStream().toList(), "physical backup");
  }

  PhysicalBackups of(Target target) {
    return dialects.of(target);
  }
}
