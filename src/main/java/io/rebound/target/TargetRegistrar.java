package io.rebound.target;

/**
 * A bean that registers targets of its own with {@link Targets} when it is made (the demo's embedded server).
 * Whatever lists the targets while the application starts (the start forms' pick-lists) makes these beans first.
 */
public interface TargetRegistrar {}
